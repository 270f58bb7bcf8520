/**
 * The workflow's tunables where the environment does not set them, by environment variable. Lambda's
 * environment schema (`runtime-config.ts`) defaults to these, and the local stack starts from the
 * same values (`defaultSettings()`), overriding only the few it shortens for the emulator.
 */
export const SETTING_DEFAULTS = {
  TENCENT_TIMEOUT_SECONDS: 10,
  /** How long DescribeZones / DescribeClasses answers are kept (0: not at all). */
  TENCENT_CATALOG_CACHE_SECONDS: 60,
  PROVISIONING_TIMEOUT_SECONDS: 3600,
  VISIBILITY_GRACE_SECONDS: 180,
  REQUEUE_AFTER_SECONDS: 300,
  LEASE_SECONDS: 120,
  POLL_LOCK_SECONDS: 55,
  IDEMPOTENCY_RETENTION_DAYS: 30,
  WEBHOOK_RETRY_WINDOW_SECONDS: 24 * 3600,
  WEBHOOK_TIMEOUT_MS: 10_000,
  RETRY_BASE_SECONDS: 2,
  RETRY_MAX_SECONDS: 900,
} as const;
