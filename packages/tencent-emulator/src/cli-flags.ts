import { parseArgs } from 'node:util';
import type * as z from 'zod';

/** A command-line mistake; the message names the flag. */
export class FlagError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FlagError';
  }
}

/**
 * Parses `--name value` flags (all strings) and validates them with a zod schema whose keys are
 * the flag names in camelCase; any problem becomes a `FlagError` naming the `--flag`.
 */
export const parseFlags = <S extends z.ZodObject>(
  argv: readonly string[],
  names: readonly string[],
  schema: S,
): z.output<S> => {
  const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: Object.fromEntries(names.map((name) => [kebab(name), { type: 'string' as const }])),
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new FlagError(
      `${(error as Error).message}. Known flags: ${names.map((n) => `--${kebab(n)}`).join(', ')}`,
    );
  }
  const input = Object.fromEntries(names.map((name) => [name, values[kebab(name)]]));
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new FlagError(
      result.error.issues
        .map((issue) => `--${kebab(String(issue.path[0] ?? ''))}: ${issue.message}`)
        .join('; '),
    );
  }
  return result.data;
};
