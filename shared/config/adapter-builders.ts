import type { Secrets } from '#shared/config/dependencies.ts';
import type { RuntimeEnvironment } from '#shared/config/runtime-config.ts';
import type { Policy } from '#shared/domain/policy.ts';
import type { TencentPostgres } from '#shared/ports/tencent-postgres.ts';
import type { WebhookSender } from '#shared/ports/webhook-sender.ts';

/**
 * Builds an adapter only some functions use. Each imports its adapter (and the SDK behind it) when
 * it is built, at the first invocation; a function names the builders it needs
 * (`lambdaDependencies({ tencent: tencentFrom })`), so its bundle holds no other adapter's code.
 */
export type AdapterBuilder<Port> = (env: RuntimeEnvironment, secrets: Secrets) => Promise<Port>;

export const tencentFrom: AdapterBuilder<TencentPostgres> = async (env, secrets) => {
  const { createTencentPostgres } = await import('#shared/adapters/tencent/tencent-postgres-client.ts');
  return createTencentPostgres({
    credentials: { secretId: secrets.tencentSecretId, secretKey: secrets.tencentSecretKey },
    endpoint: env.TENCENT_ENDPOINT,
    protocol: env.TENCENT_PROTOCOL,
    timeoutSeconds: env.TENCENT_TIMEOUT_SECONDS,
    rateLimits: {
      createPerSecond: env.TENCENT_CREATE_RATE_PER_SECOND,
      describePerSecond: env.TENCENT_DESCRIBE_RATE_PER_SECOND,
    },
    catalogCacheMs: env.TENCENT_CATALOG_CACHE_SECONDS * 1000,
  });
};

export const webhooksFrom: AdapterBuilder<WebhookSender> = async (env, secrets) => {
  const { createStandardWebhookSender } = await import('#shared/adapters/webhook/standard-webhook-sender.ts');
  return createStandardWebhookSender({
    secret: secrets.webhookSigningSecret,
    timeoutMs: env.WEBHOOK_TIMEOUT_MS,
    allowPrivateAddresses: env.LOCAL_MODE,
  });
};

/** The policy file (POLICY_FILE); only ingest and validate read it, and only they load the YAML parser. */
export const policyFrom = async (env: RuntimeEnvironment): Promise<Policy> => {
  const { loadPolicy } = await import('#shared/domain/policy-loader.ts');
  return loadPolicy(env.POLICY_FILE);
};
