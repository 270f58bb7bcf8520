import { SqsMessageQueue } from '../adapters/queue/sqs-message-queue.ts';
import { DynamoRequestStore } from '../adapters/store/dynamo-request-store.ts';
import { loadPolicy } from '../domain/policy.ts';
import { parseApiKeys } from '../http/api-keys.ts';
import { systemClock } from '../ports/clock.ts';
import type { Dependencies, Secrets } from './dependencies.ts';
import { secretsFromEnvironment, settingsFrom, tencentFrom, webhooksFrom } from './dependencies.ts';
import type { RuntimeEnvironment } from './runtime-config.ts';
import { readRuntimeEnvironment, requireSetting } from './runtime-config.ts';

/**
 * The dependencies of a deployed function, from its environment. AWS endpoints come from the SDK's
 * own configuration (`AWS_ENDPOINT_URL_DYNAMODB` / `AWS_ENDPOINT_URL_SQS` point them at dynalite and
 * the local SQS server for `serverless invoke local`).
 */
export const dependenciesFromEnvironment = async (
  env: RuntimeEnvironment = readRuntimeEnvironment(),
  secrets: Secrets = secretsFromEnvironment(env),
): Promise<Dependencies> => ({
  store: new DynamoRequestStore({
    tableName: env.TABLE_NAME,
    retentionSeconds: env.IDEMPOTENCY_RETENTION_DAYS * 24 * 3600,
  }),
  queue: new SqsMessageQueue({
    queueUrls: {
      requests: requireSetting(env.REQUESTS_QUEUE_URL, 'REQUESTS_QUEUE_URL'),
      create: requireSetting(env.CREATE_QUEUE_URL, 'CREATE_QUEUE_URL'),
      notify: requireSetting(env.NOTIFY_QUEUE_URL, 'NOTIFY_QUEUE_URL'),
    },
  }),
  tencent: tencentFrom(env, secrets),
  webhooks: webhooksFrom(env, secrets),
  clock: systemClock,
  policy: await loadPolicy(env.POLICY_FILE),
  apiKeys: parseApiKeys(env.REPLICA_FLOW_API_KEYS),
  settings: settingsFrom(env),
});
