import { observeTencentCalls } from '#shared/adapters/tencent/tencent-call-telemetry.ts';
import type { AdapterBuilder } from '#shared/config/adapter-builder.ts';
import type { TencentPostgres } from '#shared/ports/tencent-postgres.ts';

/** The Tencent PostgreSQL client. Lazy: see docs/bundling.md#adapters-behind-their-builders */
export const tencentFrom: AdapterBuilder<TencentPostgres> = async (env, secrets, telemetry) => {
  const { createTencentPostgres } = await import('#shared/adapters/tencent/tencent-postgres-client.ts');
  return createTencentPostgres({
    credentials: { secretId: secrets.tencentSecretId, secretKey: secrets.tencentSecretKey },
    endpoint: env.TENCENT_ENDPOINT,
    protocol: env.TENCENT_PROTOCOL,
    timeoutSeconds: env.TENCENT_TIMEOUT_SECONDS,
    rateLimits: {
      createPerSecond: env.TENCENT_CREATE_RATE_PER_SECOND,
      describePerSecond: env.TENCENT_DESCRIBE_RATE_PER_SECOND,
      pricePerSecond: env.TENCENT_PRICE_RATE_PER_SECOND,
    },
    catalogCacheMs: env.TENCENT_CATALOG_CACHE_SECONDS * 1000,
    ...(telemetry ? { observe: observeTencentCalls(telemetry) } : {}),
  });
};
