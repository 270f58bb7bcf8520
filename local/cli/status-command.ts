import * as z from 'zod';
import { parseFlags, UsageError } from '#local/cli/cli-flags.ts';
import { resolveApi } from '#local/cli/request-command.ts';

const statusFlagsSchema = z.object({
  url: z.url().optional(),
  'api-key': z.string().optional(),
  'data-dir': z.string().default(process.env.REPLICA_FLOW_DATA_DIR ?? '.data'),
});

/** `replica-flow status <id>`: one request's state, history and instances. */
export const statusCommand = async (argv: readonly string[]): Promise<number> => {
  const { flags, positionals } = parseFlags(
    argv,
    { url: { type: 'string' }, 'api-key': { type: 'string' }, 'data-dir': { type: 'string' } },
    statusFlagsSchema,
  );
  const [requestId] = positionals;
  if (!requestId) throw new UsageError('usage: replica-flow status <request-id>');
  const client = await resolveApi(flags);
  process.stdout.write(`${JSON.stringify(await client.status(requestId), null, 2)}\n`);
  return 0;
};
