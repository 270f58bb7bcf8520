import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { meteredRequestStore } from '#shared/adapters/metrics/metered-request-store.ts';
import { meteredWebhookSender } from '#shared/adapters/metrics/metered-webhook-sender.ts';
import { createPowertoolsMetrics } from '#shared/adapters/metrics/powertools-metrics.ts';
import { SqsMessageQueue } from '#shared/adapters/queue/sqs-message-queue.ts';
import { DynamoRequestStore } from '#shared/adapters/store/dynamo-request-store.ts';
import type { AdapterBuilder } from '#shared/config/adapter-builder.ts';
import { callbackRulesOf } from '#shared/config/callback-rules.ts';
import type { Telemetry } from '#shared/config/dependencies.ts';
import { settingsFrom } from '#shared/config/dependencies.ts';
import type { PortBuilders } from '#shared/config/ports.ts';
import { checkExactlyOnceEnvironment, deadLetterQueuesFrom } from '#shared/config/reliability-environment.ts';
import type { RuntimeEnvironment } from '#shared/config/runtime-config.ts';
import { readRuntimeEnvironment, requireSetting } from '#shared/config/runtime-config.ts';
import type { FunctionSecrets } from '#shared/config/secrets.ts';
import { loadSecrets } from '#shared/config/secrets.ts';
import { sourceDependenciesFrom } from '#shared/config/source-dependencies.ts';
import type { Policy } from '#shared/domain/policy.ts';
import { ConfigError } from '#shared/errors.ts';
import { alertSettingsFrom, checkAlertCallback } from '#shared/ingress/alerts/alert-settings.ts';
import { systemClock } from '#shared/ports/clock.ts';
import type { TencentPostgres } from '#shared/ports/tencent-postgres.ts';
import { type Tracing, tracingWanted } from '#shared/ports/tracing.ts';
import type { WebhookSender } from '#shared/ports/webhook-sender.ts';

/**
 * Lambda's port builders, plus the adapters only some functions build: each takes the function's
 * own lazy builder (`tencentFrom`, `webhooksFrom`, `policyFrom`), so a function's bundle holds only
 * the adapters its wiring names (docs/bundling.md#adapters-behind-their-builders).
 */
export interface LambdaPorts extends PortBuilders {
  /** The Tencent client; without TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY the cold start fails, naming them. */
  tencent(builder: AdapterBuilder<TencentPostgres>): Promise<TencentPostgres>;
  /** The (metered) webhook sender; without WEBHOOK_SIGNING_SECRET the cold start fails, naming it. */
  webhooks(builder: AdapterBuilder<WebhookSender>): Promise<WebhookSender>;
  policy(builder: (env: RuntimeEnvironment) => Promise<Policy>): Promise<Policy>;
}

/**
 * A deployed function's dependencies, built once per cold start (`lambdaHandler` keeps them) by its
 * wiring (`functions/<name>.deps.ts`), which calls only the builders of the ports it uses.
 * Secrets come from SSM Parameter Store where `<VARIABLE>_PARAMETER` names them, otherwise from the
 * plain environment (see `secrets.ts`). AWS endpoints come from the SDK's own configuration
 * (`AWS_ENDPOINT_URL_DYNAMODB` / `AWS_ENDPOINT_URL_SQS` point them at dynalite and the local SQS
 * server for `serverless invoke local`).
 *
 * Each function is given only the secrets it uses; a function whose wiring builds a port without
 * its secrets fails its cold start with a `ConfigError` naming them.
 *
 * Metrics (Powertools, EMF on stdout) count what the store, the webhook sender and the Tencent client
 * do; in Lambda the tracer (Powertools, X-Ray) traces the AWS SDK clients and each Tencent call.
 */
export const lambdaDependencies =
  <Deps>(wiring: (ports: LambdaPorts) => Deps | Promise<Deps>) =>
  async (env?: RuntimeEnvironment, secrets?: FunctionSecrets): Promise<Deps> =>
    wiring(await lambdaPorts(env, secrets));

/** Builds each port at its first use and keeps it (one SDK client per port per cold start). */
const once = <Value>(build: () => Value): (() => Value) => {
  let built: { value: Value } | undefined;
  return () => {
    built ??= { value: build() };
    return built.value;
  };
};

const lambdaPorts = async (env?: RuntimeEnvironment, secrets?: FunctionSecrets): Promise<LambdaPorts> => {
  const tracing = await tracingIfWanted();
  const telemetry: Telemetry = { metrics: createPowertoolsMetrics(), ...(tracing ? { tracing } : {}) };
  const loaded = secrets ?? (await loadSecrets(process.env));
  const config = env ?? readRuntimeEnvironment({ ...process.env, ...loaded.values });
  const given = loaded.secrets;
  checkExactlyOnceEnvironment(config);
  const sqs = once(() => traced(new SQSClient({}), tracing));
  const sources = once(() => sourceDependenciesFrom(config, { timeoutMs: config.WEBHOOK_TIMEOUT_MS }));
  const settings = settingsFrom(config);
  return {
    settings,
    clock: systemClock,
    store: once(() =>
      meteredRequestStore(
        new DynamoRequestStore({
          client: traced(new DynamoDBClient({}), tracing),
          tableName: config.TABLE_NAME,
          retentionSeconds: config.IDEMPOTENCY_RETENTION_DAYS * 24 * 3600,
        }),
        telemetry.metrics,
      ),
    ),
    queue: once(
      () =>
        new SqsMessageQueue({
          client: sqs(),
          queueUrls: {
            requests: requireSetting(config.REQUESTS_QUEUE_URL, 'REQUESTS_QUEUE_URL'),
            create: requireSetting(config.CREATE_QUEUE_URL, 'CREATE_QUEUE_URL'),
            notify: requireSetting(config.NOTIFY_QUEUE_URL, 'NOTIFY_QUEUE_URL'),
          },
        }),
    ),
    apiKeys: () => loaded.apiKeys,
    deadLetters: once(() => {
      const deadLetters = deadLetterQueuesFrom(config, sqs());
      return deadLetters ? { deadLetters } : {};
    }),
    telemetry: () => telemetry,
    ingress: once(() => {
      const { sourceNotifiers: _notifiers, ...sourceSettings } = sources();
      const alerts = alertSettingsFrom(config);
      checkAlertCallback(alerts, callbackRulesOf(settings));
      return { ...(alerts ? { alerts } : {}), ...sourceSettings };
    }),
    sourceNotifiers: () => sources().sourceNotifiers,
    tencent: (builder) => {
      if (!given.tencentSecretId || !given.tencentSecretKey) {
        throw new ConfigError(
          'Tencent Cloud is not configured in this function: TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY not given',
        );
      }
      return builder(config, given, telemetry);
    },
    webhooks: async (builder) => {
      if (!given.webhookSigningSecret) {
        throw new ConfigError(
          'The webhook sender is not configured in this function: WEBHOOK_SIGNING_SECRET not given',
        );
      }
      return meteredWebhookSender(await builder(config, given, telemetry), telemetry.metrics);
    },
    policy: (builder) => builder(config),
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
