import { LOCAL_ALERTS } from '#local/stack/local-alert-credentials.ts';
import { DEFAULT_TENCENT_RATE_LIMITS } from '#shared/adapters/tencent/rate-limiter.ts';
import type { Settings } from '#shared/config/dependencies.ts';
import { settingsFrom } from '#shared/config/dependencies.ts';
import { readRuntimeEnvironment } from '#shared/config/runtime-config.ts';
import { type ApiKey, parseApiKeys } from '#shared/http/api-keys.ts';
import type { AlertIngressSettings } from '#shared/ingress/alerts/alert-settings.ts';
import { alertSettingsFrom, checkAlertCallback } from '#shared/ingress/alerts/alert-settings.ts';

/**
 * What `npm start` takes from the environment: the variables the functions read (README, "Configuration
 * of the functions"), checked by the functions' own schema (`readRuntimeEnvironment`: a bad value fails
 * the start naming the variable), each applied where it is set over the local stack's own defaults.
 * The table, the queues and their dead-letter queues, NOTIFY_MAX_RECEIVE_COUNT (deploy/shape.yml) and
 * LOCAL_MODE belong to the stack itself and are not taken.
 */
export interface LocalEnvironment {
  /** API keys accepted besides the stack's development key (REPLICA_FLOW_API_KEYS). */
  readonly apiKeys: readonly ApiKey[];
  readonly settings: Partial<Settings>;
  /** Alert sources set in the environment, over the data folder's generated credentials. */
  readonly alerts: Partial<AlertIngressSettings>;
  readonly tencentTimeoutSeconds?: number;
  readonly tencentRateLimits?: {
    readonly createPerSecond: number;
    readonly describePerSecond: number;
    readonly pricePerSecond?: number;
  };
  readonly catalogCacheMs?: number;
  readonly webhookTimeoutMs?: number;
  readonly policyFile?: string;
  readonly tencentEndpoint?: string;
}

/** Each workflow setting and the variable it comes from. */
const SETTING_VARIABLES: Record<
  Exclude<keyof Settings, 'localMode' | 'notifyMaxReceiveCount' | 'bodyLimitBytes'>,
  string[]
> = {
  allowedCallbackHosts: ['CALLBACK_ALLOWED_HOSTS'],
  deployment: ['REPLICA_FLOW_DEPLOYMENT'],
  provisioningTimeoutMs: ['PROVISIONING_TIMEOUT_SECONDS'],
  visibilityGraceMs: ['VISIBILITY_GRACE_SECONDS'],
  requeueAfterMs: ['REQUEUE_AFTER_SECONDS'],
  leaseMs: ['LEASE_SECONDS'],
  pollLockMs: ['POLL_LOCK_SECONDS'],
  webhookRetryWindowMs: ['WEBHOOK_RETRY_WINDOW_SECONDS'],
  retryBackoff: ['RETRY_BASE_SECONDS', 'RETRY_MAX_SECONDS'],
};

export const localEnvironment = (env: NodeJS.ProcessEnv = process.env): LocalEnvironment => {
  const config = readRuntimeEnvironment(env);
  const isSet = (name: string) => env[name] !== undefined && env[name] !== '';
  const all = settingsFrom(config);
  const settings = Object.fromEntries(
    Object.entries(SETTING_VARIABLES)
      .filter(([, variables]) => variables.some(isSet))
      .map(([field]) => [field, all[field as keyof Settings]]),
  ) as Partial<Settings>;
  const fromEnv = alertSettingsFrom(config);
  // The local stack runs in local mode (loopback callbacks allowed), with the hosts given here.
  checkAlertCallback(fromEnv, { localMode: true, allowedHosts: all.allowedCallbackHosts });
  const alerts: Partial<AlertIngressSettings> = {
    ...(['ALERT_BODY_LIMIT_BYTES'].some(isSet) ? { bodyLimitBytes: fromEnv.bodyLimitBytes } : {}),
    ...(['ALERT_REPLAY_WINDOW_SECONDS'].some(isSet)
      ? { replayWindowSeconds: fromEnv.replayWindowSeconds }
      : {}),
    ...(['ALERT_PRIMARY_LABEL', 'ALERT_REGION_LABEL'].some(isSet) ? { labels: fromEnv.labels } : {}),
    ...(fromEnv.callbackUrl ? { callbackUrl: fromEnv.callbackUrl } : {}),
    ...Object.fromEntries(
      LOCAL_ALERTS.filter(({ local }) => local.fromEnvironmentWhenSet.some(isSet)).map(({ source }) => [
        source.settings.key,
        fromEnv[source.settings.key],
      ]),
    ),
  };
  const rates = [
    'TENCENT_CREATE_RATE_PER_SECOND',
    'TENCENT_DESCRIBE_RATE_PER_SECOND',
    'TENCENT_PRICE_RATE_PER_SECOND',
  ].some(isSet);
  return {
    apiKeys: parseApiKeys(config.REPLICA_FLOW_API_KEYS),
    settings,
    alerts,
    ...(isSet('TENCENT_TIMEOUT_SECONDS') ? { tencentTimeoutSeconds: config.TENCENT_TIMEOUT_SECONDS } : {}),
    ...(rates
      ? {
          tencentRateLimits: {
            ...DEFAULT_TENCENT_RATE_LIMITS,
            createPerSecond: config.TENCENT_CREATE_RATE_PER_SECOND,
            describePerSecond: config.TENCENT_DESCRIBE_RATE_PER_SECOND,
            pricePerSecond: config.TENCENT_PRICE_RATE_PER_SECOND,
          },
        }
      : {}),
    ...(isSet('TENCENT_CATALOG_CACHE_SECONDS')
      ? { catalogCacheMs: config.TENCENT_CATALOG_CACHE_SECONDS * 1000 }
      : {}),
    ...(isSet('WEBHOOK_TIMEOUT_MS') ? { webhookTimeoutMs: config.WEBHOOK_TIMEOUT_MS } : {}),
    ...(isSet('POLICY_FILE') ? { policyFile: config.POLICY_FILE } : {}),
    ...(isSet('TENCENT_ENDPOINT') ? { tencentEndpoint: config.TENCENT_ENDPOINT } : {}),
  };
};
