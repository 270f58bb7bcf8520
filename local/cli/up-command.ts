import * as z from 'zod';
import { alertLines } from '#local/cli/alert-lines.ts';
import { parseFlags } from '#local/cli/cli-flags.ts';
import { writeStackFile } from '#local/cli/stack-file.ts';
import { localEnvironment } from '#local/stack/local-environment.ts';
import { startLocalStack } from '#local/stack/local-stack.ts';

const port = z.coerce.number().int().min(0).max(65535);

export const upFlagsSchema = z.object({
  port: port.default(Number(process.env.REPLICA_FLOW_PORT ?? 8080)),
  'emulator-port': port.default(Number(process.env.REPLICA_FLOW_EMULATOR_PORT ?? 9080)),
  'data-dir': z
    .string()
    .min(1)
    .default(process.env.REPLICA_FLOW_DATA_DIR ?? '.data'),
  policy: z
    .string()
    .min(1)
    .default(process.env.REPLICA_FLOW_POLICY ?? process.env.POLICY_FILE ?? 'policy/default.yaml'),
  'poll-interval': z.coerce
    .number()
    .positive()
    .max(3600)
    .default(Number(process.env.REPLICA_FLOW_POLL_INTERVAL ?? 2)),
  tencent: z.enum(['emulator', 'live']).default('emulator'),
});

/**
 * `replica-flow up` (= `npm start`): the whole workflow on 127.0.0.1 until Ctrl-C, with the functions'
 * environment variables (and `.env`, loaded by bin/replica-flow.js) applied as in Lambda.
 */
export const upCommand = async (argv: readonly string[]): Promise<number> => {
  const { flags } = parseFlags(
    argv,
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
