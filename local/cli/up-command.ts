import * as z from 'zod';
import { alertLines } from '#local/cli/alert-lines.ts';
import { parseFlags, UsageError } from '#local/cli/cli-flags.ts';
import { writeStackFile } from '#local/cli/stack-file.ts';
import { localEnvironment } from '#local/stack/local-environment.ts';
import { startLocalStack } from '#local/stack/local-stack.ts';

const port = z.coerce.number().int().min(0).max(65535);

export const upFlagsSchema = z.object({
  port: port.default(8080),
  'emulator-port': port.default(9080),
  'data-dir': z.string().min(1).default('.data'),
  policy: z.string().min(1).default('policy/default.yaml'),
  'poll-interval': z.coerce.number().positive().max(3600).default(2),
  tencent: z.enum(['emulator', 'live']).default('emulator'),
});

/** Each flag's environment variable, read where the flag is not given and checked like the flag. */
const FLAG_VARIABLES: Record<string, readonly string[]> = {
  port: ['REPLICA_FLOW_PORT'],
  'emulator-port': ['REPLICA_FLOW_EMULATOR_PORT'],
  'data-dir': ['REPLICA_FLOW_DATA_DIR'],
  policy: ['REPLICA_FLOW_POLICY', 'POLICY_FILE'],
  'poll-interval': ['REPLICA_FLOW_POLL_INTERVAL'],
};

/** The flags' values from the environment (a bad one is refused naming its variable, exit code 2). */
export const upFlagsFromEnvironment = (env: NodeJS.ProcessEnv = process.env): string[] =>
  Object.entries(FLAG_VARIABLES).flatMap(([flag, variables]) => {
    const variable = variables.find((name) => env[name] !== undefined && env[name] !== '');
    if (!variable) return [];
    const checked = upFlagsSchema.shape[flag as keyof typeof upFlagsSchema.shape].safeParse(env[variable]);
    if (!checked.success) {
      throw new UsageError(`${variable}: ${checked.error.issues.map((issue) => issue.message).join('; ')}`);
    }
    return [`--${flag}`, String(env[variable])];
  });

/**
 * `replica-flow up` (= `npm start`): the whole workflow on 127.0.0.1 until Ctrl-C, with the functions'
 * environment variables (and `.env`, loaded by bin/replica-flow.js) applied as in Lambda.
 */
export const upCommand = async (argv: readonly string[]): Promise<number> => {
  const { flags } = parseFlags(
    // Flags on the command line win over the environment (parseArgs keeps the last value).
    [...upFlagsFromEnvironment(), ...argv],
    {
      port: { type: 'string' },
      'emulator-port': { type: 'string' },
      'data-dir': { type: 'string' },
      policy: { type: 'string' },
      'poll-interval': { type: 'string' },
      tencent: { type: 'string' },
    },
    upFlagsSchema,
  );
  const env = localEnvironment();
  const stack = await startLocalStack({
    settings: env.settings,
    alerts: env.alerts,
    apiKeys: env.apiKeys,
    ...(env.tencentTimeoutSeconds ? { tencentTimeoutSeconds: env.tencentTimeoutSeconds } : {}),
    ...(env.tencentRateLimits ? { tencentRateLimits: env.tencentRateLimits } : {}),
    ...(env.catalogCacheMs !== undefined ? { catalogCacheMs: env.catalogCacheMs } : {}),
    ...(env.webhookTimeoutMs ? { webhookTimeoutMs: env.webhookTimeoutMs } : {}),
    ...(env.tencentEndpoint ? { tencentEndpoint: env.tencentEndpoint } : {}),
    port: flags.port,
    emulatorPort: flags['emulator-port'],
    dataDir: flags['data-dir'],
    policyFile: flags.policy,
    pollIntervalMs: flags['poll-interval'] * 1000,
    tencent: flags.tencent,
  });
  await writeStackFile(flags['data-dir'], {
    ingressUrl: stack.ingressUrl,
    ...(stack.emulatorUrl ? { emulatorUrl: stack.emulatorUrl } : {}),
    sqsUrl: stack.sqsUrl,
    dynamoUrl: stack.dynamoUrl,
    apiKey: stack.credentials.apiKey,
    pid: process.pid,
  });
  process.stdout.write(
    [
      'replica-flow local stack is up',
      `  API            ${stack.ingressUrl}/v1/replica-requests`,
      `  API key        ${stack.credentials.apiKey}   (Authorization: Bearer …)`,
      `  webhook secret ${stack.credentials.webhookSecret}`,
      ...alertLines(stack.ingressUrl, stack.credentials.alerts),
      stack.emulatorUrl
        ? `  Tencent        ${stack.emulatorUrl}   (emulator; inspect ${stack.emulatorUrl}/_emulator/instances)`
        : '  Tencent        live (postgres.tencentcloudapi.com)',
      `  DynamoDB       ${stack.dynamoUrl}   (dynalite, data in ${flags['data-dir']}/dynamodb)`,
      `  SQS            ${stack.sqsUrl}   (queues: ${Object.values(stack.queues)
        .map((queue) => queue.url.split('/').pop())
        .join(', ')})`,
      `  poll every     ${flags['poll-interval']} s`,
      '',
      'Try:  npx replica-flow request --primary postgres-abcdef --wait',
      'Stop: Ctrl-C',
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  process.stdout.write('stopping…\n');
  await stack.stop();
  return 0;
};
