import {
  DEFAULT_PRICE_RATE_PER_SECOND,
  DEFAULT_TENCENT_RATE_LIMITS,
} from '#shared/adapters/tencent/rate-limiter.ts';
import { reliabilityEnvironmentShape } from '#shared/config/reliability-environment.ts';
import { SETTING_DEFAULTS } from '#shared/config/setting-defaults.ts';
import { sourceEnvironmentShape } from '#shared/config/source-environment.ts';
import { DEFAULT_DEPLOYMENT, deploymentIdentity } from '#shared/domain/deployment-identity.ts';
import { ConfigError } from '#shared/errors.ts';
import { alertEnvironmentShape } from '#shared/ingress/alerts/alert-environment.ts';
import * as z from '#shared/util/zod-mini.ts';

const seconds = (fallback: number) => z._default(z.coerce.number().check(z.int(), z.positive()), fallback);
const flag = z.pipe(
  z._default(z.enum(['true', 'false', '1', '0', '']), 'false'),
  z.transform((value) => value === 'true' || value === '1'),
);
const list = z.pipe(
  z._default(z.string(), ''),
  z.transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  ),
);
/** A non-empty string, `fallback` when unset. */
const text = (fallback: string) => z._default(z.string().check(z.minLength(1)), fallback);
/** Calls a second, `fallback` when unset. */
const rate = (fallback: number) => z._default(z.coerce.number().check(z.positive()), fallback);

/**
 * Every environment variable replica-flow reads (the README lists them). Secrets may instead come
 * from SSM Parameter Store in AWS (see `secrets.ts`); here they are optional and checked where used.
 */
export const runtimeEnvironmentSchema = z.object({
  TABLE_NAME: text('replica-flow'),
  /** This deployment's identity (`<service>-<stage>`), tagged on every replica it creates; removal touches no other. */
  REPLICA_FLOW_DEPLOYMENT: z._default(deploymentIdentity, DEFAULT_DEPLOYMENT),
  REQUESTS_QUEUE_URL: z.optional(z.url()),
  CREATE_QUEUE_URL: z.optional(z.url()),
  NOTIFY_QUEUE_URL: z.optional(z.url()),
  TENCENT_ENDPOINT: text('postgres.tencentcloudapi.com'),
  TENCENT_PROTOCOL: z._default(z.enum(['https://', 'http://']), 'https://'),
  TENCENT_TIMEOUT_SECONDS: seconds(SETTING_DEFAULTS.TENCENT_TIMEOUT_SECONDS),
  /** Client-side limits per action (calls a second), below Tencent's 100 (create) and 1000 (each Describe). */
  TENCENT_CREATE_RATE_PER_SECOND: rate(DEFAULT_TENCENT_RATE_LIMITS.createPerSecond),
  TENCENT_DESCRIBE_RATE_PER_SECOND: rate(DEFAULT_TENCENT_RATE_LIMITS.describePerSecond),
  /** InquiryPriceCreateDBInstances (Tencent: 20/s), a bucket of its own. */
  TENCENT_PRICE_RATE_PER_SECOND: rate(DEFAULT_PRICE_RATE_PER_SECOND),
  /** How long DescribeZones / DescribeClasses answers are kept (0: not at all). */
  TENCENT_CATALOG_CACHE_SECONDS: z._default(
    z.coerce.number().check(z.int(), z.gte(0)),
    SETTING_DEFAULTS.TENCENT_CATALOG_CACHE_SECONDS,
  ),
  TENCENTCLOUD_SECRET_ID: z.optional(z.string()),
  TENCENTCLOUD_SECRET_KEY: z.optional(z.string()),
  WEBHOOK_SIGNING_SECRET: z.optional(z.string()),
  REPLICA_FLOW_API_KEYS: z.optional(z.string()),
  POLICY_FILE: text('policy/default.yaml'),
  LOCAL_MODE: flag,
  CALLBACK_ALLOWED_HOSTS: list,
  PROVISIONING_TIMEOUT_SECONDS: seconds(SETTING_DEFAULTS.PROVISIONING_TIMEOUT_SECONDS),
  VISIBILITY_GRACE_SECONDS: seconds(SETTING_DEFAULTS.VISIBILITY_GRACE_SECONDS),
  REQUEUE_AFTER_SECONDS: seconds(SETTING_DEFAULTS.REQUEUE_AFTER_SECONDS),
  LEASE_SECONDS: seconds(SETTING_DEFAULTS.LEASE_SECONDS),
  POLL_LOCK_SECONDS: seconds(SETTING_DEFAULTS.POLL_LOCK_SECONDS),
  IDEMPOTENCY_RETENTION_DAYS: seconds(SETTING_DEFAULTS.IDEMPOTENCY_RETENTION_DAYS),
  WEBHOOK_RETRY_WINDOW_SECONDS: seconds(SETTING_DEFAULTS.WEBHOOK_RETRY_WINDOW_SECONDS),
  WEBHOOK_TIMEOUT_MS: seconds(SETTING_DEFAULTS.WEBHOOK_TIMEOUT_MS),
  RETRY_BASE_SECONDS: seconds(SETTING_DEFAULTS.RETRY_BASE_SECONDS),
  RETRY_MAX_SECONDS: seconds(SETTING_DEFAULTS.RETRY_MAX_SECONDS),
  ...alertEnvironmentShape,
  ...sourceEnvironmentShape,
  ...reliabilityEnvironmentShape,
});

export type RuntimeEnvironment = z.infer<typeof runtimeEnvironmentSchema>;

/** Reads and checks the environment once; a bad value fails the cold start, naming the variable. */
export const readRuntimeEnvironment = (env: NodeJS.ProcessEnv = process.env): RuntimeEnvironment => {
  const parsed = runtimeEnvironmentSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
  throw new ConfigError(`Invalid environment: ${problems}`);
};

export const requireSetting = (value: string | undefined, name: string): string => {
  if (!value) throw new ConfigError(`${name} is not set`);
  return value;
};
