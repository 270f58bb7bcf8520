import { type ParseArgsConfig, parseArgs } from 'node:util';
import type * as z from 'zod';

/** A command-line mistake: printed as one line naming the flag, exit code 2. */
export class UsageError extends Error {}

/**
 * Parses flags with node:util (unknown flags refused) and checks them with a zod schema, so
 * `--storage abc` answers "--storage: expected a number" instead of a stack trace.
 */
export const parseFlags = <Schema extends z.ZodType>(
  argv: readonly string[],
  options: NonNullable<ParseArgsConfig['options']>,
  schema: Schema,
): { flags: z.infer<Schema>; positionals: string[] } => {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const checked = schema.safeParse(parsed.values);
  if (!checked.success) {
    throw new UsageError(
      checked.error.issues.map((issue) => `--${issue.path.join('.') || '?'}: ${issue.message}`).join('; '),
    );
  }
  return { flags: checked.data, positionals: parsed.positionals };
};
