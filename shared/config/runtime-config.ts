import * as z from 'zod';
import { DEFAULT_TENCENT_RATE_LIMITS } from '#shared/adapters/tencent/rate-limiter.ts';
import { reliabilityEnvironmentShape } from '#shared/config/reliability-environment.ts';
import { sourceEnvironmentShape } from '#shared/config/source-environment.ts';
import { ConfigError } from '#shared/errors.ts';
import { alertEnvironmentShape } from '#shared/ingress/alerts/alert-environment.ts';

const seconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const flag = z
  .enum(['true', 'false', '1', '0', ''])
  .default('false')
  .transform((value) => value === 'true' || value === '1');
const list = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );

/**
 * Every environment variable replica-flow reads (the README lists them). Secrets may instead come
 * from SSM Parameter Store in AWS (see `secrets.ts`); here they are optional and checked where used.
 */
export const runtimeEnvironmentSchema = z.object({
  TABLE_NAME: z.string().min(1).default('replica-flow'),
  REQUESTS_QUEUE_URL: z.url().optional(),
  CREATE_QUEUE_URL: z.url().optional(),
  NOTIFY_QUEUE_URL: z.url().optional(),
  TENCENT_ENDPOINT: z.string().min(1).default('postgres.tencentcloudapi.com'),
  TENCENT_PROTOCOL: z.enum(['https://', 'http://']).default('https://'),
  TENCENT_TIMEOUT_SECONDS: seconds(10),
  /** Client-side limits per action (calls a second), below Tencent's 100 (create) and 1000 (each Describe). */
  TENCENT_CREATE_RATE_PER_SECOND: z.coerce
    .number()
    .positive()
    .default(DEFAULT_TENCENT_RATE_LIMITS.createPerSecond),
  TENCENT_DESCRIBE_RATE_PER_SECOND: z.coerce
    .number()
    .positive()
    .default(DEFAULT_TENCENT_RATE_LIMITS.describePerSecond),
  /** How long DescribeZones / DescribeClasses answers are kept (0: not at all). */
  TENCENT_CATALOG_CACHE_SECONDS: z.coerce.number().int().min(0).default(60),
  TENCENTCLOUD_SECRET_ID: z.string().optional(),
  TENCENTCLOUD_SECRET_KEY: z.string().optional(),
  WEBHOOK_SIGNING_SECRET: z.string().optional(),
  REPLICA_FLOW_API_KEYS: z.string().optional(),
  POLICY_FILE: z.string().min(1).default('policy/default.yaml'),
  LOCAL_MODE: flag,
  CALLBACK_ALLOWED_HOSTS: list,
  PROVISIONING_TIMEOUT_SECONDS: seconds(3600),
  VISIBILITY_GRACE_SECONDS: seconds(180),
  REQUEUE_AFTER_SECONDS: seconds(300),
  LEASE_SECONDS: seconds(120),
  POLL_LOCK_SECONDS: seconds(55),
  IDEMPOTENCY_RETENTION_DAYS: seconds(30),
  WEBHOOK_RETRY_WINDOW_SECONDS: seconds(24 * 3600),
  WEBHOOK_TIMEOUT_MS: seconds(10_000),
  RETRY_BASE_SECONDS: seconds(2),
  RETRY_MAX_SECONDS: seconds(900),
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
