import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { meteredRequestStore } from '#shared/adapters/metrics/metered-request-store.ts';
import { meteredWebhookSender } from '#shared/adapters/metrics/metered-webhook-sender.ts';
import { createPowertoolsMetrics } from '#shared/adapters/metrics/powertools-metrics.ts';
import { SqsMessageQueue } from '#shared/adapters/queue/sqs-message-queue.ts';
import { DynamoRequestStore } from '#shared/adapters/store/dynamo-request-store.ts';
import type { AdapterBuilder } from '#shared/config/adapter-builder.ts';
import type { Dependencies, Telemetry } from '#shared/config/dependencies.ts';
import { settingsFrom } from '#shared/config/dependencies.ts';
import { checkExactlyOnceEnvironment, deadLetterQueuesFrom } from '#shared/config/reliability-environment.ts';
import type { RuntimeEnvironment } from '#shared/config/runtime-config.ts';
import { readRuntimeEnvironment, requireSetting } from '#shared/config/runtime-config.ts';
import type { FunctionSecrets } from '#shared/config/secrets.ts';
import { loadSecrets } from '#shared/config/secrets.ts';
import { sourceDependenciesFrom } from '#shared/config/source-dependencies.ts';
import type { Policy } from '#shared/domain/policy.ts';
import { ConfigError } from '#shared/errors.ts';
import { alertSettingsFrom } from '#shared/ingress/alerts/alert-settings.ts';
import { systemClock } from '#shared/ports/clock.ts';
import type { TencentPostgres } from '#shared/ports/tencent-postgres.ts';
import { type Tracing, tracingWanted } from '#shared/ports/tracing.ts';
import type { WebhookSender } from '#shared/ports/webhook-sender.ts';

/** The adapters only some functions use; a function given none of a port's builder gets a port that fails. */
export interface OptionalAdapters {
  readonly tencent?: AdapterBuilder<TencentPostgres>;
  readonly webhooks?: AdapterBuilder<WebhookSender>;
  readonly policy?: (env: RuntimeEnvironment) => Promise<Policy>;
}

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
 *
 * What loads with the handler and what when built: docs/bundling.md#adapters-behind-their-builders.
 *
 * Metrics (Powertools, EMF on stdout) count what the store, the webhook sender and the Tencent client
 * do; in Lambda the tracer (Powertools, X-Ray) traces the AWS SDK clients and each Tencent call.
 *
 * A deployed function's dependencies with only the optional adapters it names, e.g.
 * `lambdaHandler(build, lambdaDependencies({ tencent: tencentFrom }))`.
 */
export const lambdaDependencies =
  (adapters: OptionalAdapters) =>
  (env?: RuntimeEnvironment, secrets?: FunctionSecrets): Promise<Dependencies> =>
    buildDependencies(adapters, env, secrets);

const buildDependencies = async (
  adapters: OptionalAdapters,
  env?: RuntimeEnvironment,
  secrets?: FunctionSecrets,
): Promise<Dependencies> => {
  const tracing = await tracingIfWanted();
  const telemetry: Telemetry = { metrics: createPowertoolsMetrics(), ...(tracing ? { tracing } : {}) };
  const loaded = secrets ?? (await loadSecrets(process.env));
  const config = env ?? readRuntimeEnvironment({ ...process.env, ...loaded.values });
  const given = loaded.secrets;
  checkExactlyOnceEnvironment(config);
  const sqs = traced(new SQSClient({}), tracing);
  const deadLetters = deadLetterQueuesFrom(config, sqs);
  return {
    store: meteredRequestStore(
      new DynamoRequestStore({
        client: traced(new DynamoDBClient({}), tracing),
        tableName: config.TABLE_NAME,
        retentionSeconds: config.IDEMPOTENCY_RETENTION_DAYS * 24 * 3600,
      }),
      telemetry.metrics,
    ),
    queue: new SqsMessageQueue({
      client: sqs,
      queueUrls: {
        requests: requireSetting(config.REQUESTS_QUEUE_URL, 'REQUESTS_QUEUE_URL'),
        create: requireSetting(config.CREATE_QUEUE_URL, 'CREATE_QUEUE_URL'),
        notify: requireSetting(config.NOTIFY_QUEUE_URL, 'NOTIFY_QUEUE_URL'),
      },
    }),
    tencent: !adapters.tencent
      ? notGiven<TencentPostgres>('Tencent Cloud', 'the function builds no Tencent client')
      : given.tencentSecretId && given.tencentSecretKey
        ? await adapters.tencent(config, given, telemetry)
        : notGiven<TencentPostgres>(
            'Tencent Cloud',
            'TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY not given',
          ),
    webhooks: !adapters.webhooks
      ? notGiven<WebhookSender>('The webhook sender', 'the function builds no webhook sender')
      : given.webhookSigningSecret
        ? meteredWebhookSender(await adapters.webhooks(config, given, telemetry), telemetry.metrics)
        : notGiven<WebhookSender>('The webhook sender', 'WEBHOOK_SIGNING_SECRET not given'),
    clock: systemClock,
    policy: adapters.policy ? await adapters.policy(config) : policyNotLoaded(),
    apiKeys: loaded.apiKeys,
    settings: settingsFrom(config),
    alerts: alertSettingsFrom(config),
    ...sourceDependenciesFrom(config, { timeoutMs: config.WEBHOOK_TIMEOUT_MS }),
    ...(deadLetters ? { deadLetters } : {}),
    ...telemetry,
  };
};

/** The tracer in Lambda (`tracingWanted`), else none. Lazy: docs/bundling.md#the-tracer-only-in-lambda */
const tracingIfWanted = async (): Promise<Tracing | undefined> => {
  if (!tracingWanted(process.env)) return undefined;
  const { createPowertoolsTracing } = await import('#shared/adapters/tracing/powertools-tracing.ts');
  return createPowertoolsTracing();
};

const traced = <Client>(client: Client, tracing: Tracing | undefined): Client =>
  tracing ? tracing.captureAWSv3Client(client) : client;

/** A port this function does not build or has no secrets for: every method rejects with a `ConfigError` saying why. */
const notGiven = <Port extends object>(port: string, reason: string): Port =>
  new Proxy({} as Port, {
    get: (_target, method) =>
      // Not a thenable, so awaiting the port itself cannot hang.
      method === 'then' || typeof method === 'symbol'
        ? undefined
        : () => Promise.reject(new ConfigError(`${port} is not configured in this function: ${reason}`)),
  });

/** The policy of a function that names no policy builder: reading any of it fails with a `ConfigError`. */
const policyNotLoaded = (): Policy =>
  new Proxy({} as Policy, {
    get: (_target, field) => {
      if (field === 'then' || field === 'toJSON' || typeof field === 'symbol') return undefined;
      throw new ConfigError(`The policy is not loaded in this function (read of policy.${field})`);
    },
  });
