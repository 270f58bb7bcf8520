import type { AdapterBuilder } from '#shared/config/adapter-builder.ts';
import type { TencentPostgres } from '#shared/ports/tencent-postgres.ts';

/**
 * The Tencent client of `ingest`, which reads only (the fleet view: DescribeDBInstances,
 * DescribeReadOnlyGroups) with its own read-only CAM key (`TENCENTCLOUD_READER_SECRET_ID` / `_KEY`).
 * Built at its first call, not with the handler: every other route of ingest (Slack's 3-second answer
 * among them) never loads the Tencent SDK.
 * Why: docs/bundling.md#adapters-behind-their-builders
 */
export const tencentReaderFrom: AdapterBuilder<TencentPostgres> = async (env, secrets, telemetry) => {
  let built: Promise<TencentPostgres> | undefined;
  return new Proxy({} as TencentPostgres, {
    get: (_target, method) =>
      // Not a thenable, so awaiting the port itself cannot hang.
      method === 'then' || typeof method === 'symbol'
        ? undefined
        : async (...args: unknown[]) => {
            built ??= import('#shared/config/tencent-adapter-builder.ts').then(({ tencentFrom }) =>
              tencentFrom(env, secrets, telemetry),
            );
            const client = (await built) as unknown as Record<PropertyKey, (...a: unknown[]) => unknown>;
            return client[method]?.(...args);
          },
  });
};
