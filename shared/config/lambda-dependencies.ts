import { SqsMessageQueue } from '#shared/adapters/queue/sqs-message-queue.ts';
import { DynamoRequestStore } from '#shared/adapters/store/dynamo-request-store.ts';
import type { Dependencies } from '#shared/config/dependencies.ts';
import { settingsFrom, tencentFrom, webhooksFrom } from '#shared/config/dependencies.ts';
import { checkExactlyOnceEnvironment, deadLetterQueuesFrom } from '#shared/config/reliability-environment.ts';
import type { RuntimeEnvironment } from '#shared/config/runtime-config.ts';
import { readRuntimeEnvironment, requireSetting } from '#shared/config/runtime-config.ts';
import type { FunctionSecrets } from '#shared/config/secrets.ts';
import { loadSecrets } from '#shared/config/secrets.ts';
import { sourceDependenciesFrom } from '#shared/config/source-dependencies.ts';
import { loadPolicy } from '#shared/domain/policy.ts';
import { ConfigError } from '#shared/errors.ts';
import { alertSettingsFrom } from '#shared/ingress/alerts/alert-settings.ts';
import { systemClock } from '#shared/ports/clock.ts';
import type { TencentPostgres } from '#shared/ports/tencent-postgres.ts';
import type { WebhookSender } from '#shared/ports/webhook-sender.ts';

/**
 * The dependencies of a deployed function, built once per cold start (`lambdaHandler` keeps them).
 * Secrets come from SSM Parameter Store where `<VARIABLE>_PARAMETER` names them, otherwise from the
 * plain environment (see `secrets.ts`). AWS endpoints come from the SDK's own configuration
 * (`AWS_ENDPOINT_URL_DYNAMODB` / `AWS_ENDPOINT_URL_SQS` point them at dynalite and the local SQS
 * server for `serverless invoke local`).
 *
 * Each function is given only the secrets it uses: a port whose secrets are absent (Tencent in
 * `ingest` and `notify`, the webhook sender everywhere but `notify`) fails every call with a
 * `ConfigError` naming them, instead of failing the cold start of a function that never calls it.
 */
export const dependenciesFromEnvironment = async (
  env?: RuntimeEnvironment,
  secrets?: FunctionSecrets,
): Promise<Dependencies> => {
  const loaded = secrets ?? (await loadSecrets(process.env));
  const config = env ?? readRuntimeEnvironment({ ...process.env, ...loaded.values });
  const given = loaded.secrets;
  checkExactlyOnceEnvironment(config);
  const deadLetters = deadLetterQueuesFrom(config);
  return {
    store: new DynamoRequestStore({
      tableName: config.TABLE_NAME,
      retentionSeconds: config.IDEMPOTENCY_RETENTION_DAYS * 24 * 3600,
    }),
    queue: new SqsMessageQueue({
      queueUrls: {
        requests: requireSetting(config.REQUESTS_QUEUE_URL, 'REQUESTS_QUEUE_URL'),
        create: requireSetting(config.CREATE_QUEUE_URL, 'CREATE_QUEUE_URL'),
        notify: requireSetting(config.NOTIFY_QUEUE_URL, 'NOTIFY_QUEUE_URL'),
      },
    }),
    tencent:
      given.tencentSecretId && given.tencentSecretKey
        ? tencentFrom(config, given)
        : notGiven<TencentPostgres>('Tencent Cloud', 'TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY'),
    webhooks: given.webhookSigningSecret
      ? webhooksFrom(config, given)
      : notGiven<WebhookSender>('The webhook sender', 'WEBHOOK_SIGNING_SECRET'),
    clock: systemClock,
    policy: await loadPolicy(config.POLICY_FILE),
    apiKeys: loaded.apiKeys,
    settings: settingsFrom(config),
    alerts: alertSettingsFrom(config),
    ...sourceDependenciesFrom(config, { timeoutMs: config.WEBHOOK_TIMEOUT_MS }),
    ...(deadLetters ? { deadLetters } : {}),
  };
};

/** A port this function has no secrets for: every method rejects with a `ConfigError` naming them. */
const notGiven = <Port extends object>(port: string, secrets: string): Port =>
  new Proxy({} as Port, {
    get: (_target, method) =>
      // Not a thenable, so awaiting the port itself cannot hang.
      method === 'then' || typeof method === 'symbol'
        ? undefined
        : () =>
            Promise.reject(
              new ConfigError(`${port} is not configured in this function: ${secrets} not given`),
            ),
  });
