import { ConfigError } from '#shared/errors.ts';
import type { AlertEnvironment } from '#shared/ingress/alerts/alert-environment.ts';

/** What the alert ingresses need: credentials per source, label names, limits. Never logged. */
export interface AlertIngressSettings {
  readonly bodyLimitBytes: number;
  readonly replayWindowSeconds: number;
  readonly labels: { readonly primary: string; readonly region: string };
  /** Completion webhook of alert-driven requests, when set. */
  readonly callbackUrl?: string;
  readonly alertmanager: { readonly token?: string };
  readonly tencentMonitor: {
    readonly basic?: { readonly user: string; readonly password: string };
    readonly pathToken?: string;
  };
  readonly cloudwatch: { readonly apiKey?: string; readonly apiKeyHeader: string };
  readonly grafana: {
    readonly hmacSecret?: string;
    /** Extra signature header to accept besides Grafana's two spellings. */
    readonly signatureHeader?: string;
    /** When set, the signature covers `timestamp:body` and the timestamp must be fresh. */
    readonly timestampHeader?: string;
    readonly token?: string;
  };
}

/** Builds the settings from a parsed environment; a half-configured credential is a ConfigError. */
export const alertSettingsFrom = (env: AlertEnvironment): AlertIngressSettings => {
  const user = env.TENCENT_MONITOR_BASIC_USER;
  const password = env.TENCENT_MONITOR_BASIC_PASSWORD;
  if ((user === undefined) !== (password === undefined)) {
    throw new ConfigError(
      'TENCENT_MONITOR_BASIC_USER and TENCENT_MONITOR_BASIC_PASSWORD must be set together',
    );
  }
  if (env.GRAFANA_TIMESTAMP_HEADER && !env.GRAFANA_HMAC_SECRET) {
    throw new ConfigError('GRAFANA_TIMESTAMP_HEADER needs GRAFANA_HMAC_SECRET');
  }
  return {
    bodyLimitBytes: env.ALERT_BODY_LIMIT_BYTES,
    replayWindowSeconds: env.ALERT_REPLAY_WINDOW_SECONDS,
    labels: { primary: env.ALERT_PRIMARY_LABEL, region: env.ALERT_REGION_LABEL },
    ...(env.ALERT_CALLBACK_URL ? { callbackUrl: env.ALERT_CALLBACK_URL } : {}),
    alertmanager: { ...(env.ALERTMANAGER_TOKEN ? { token: env.ALERTMANAGER_TOKEN } : {}) },
    tencentMonitor: {
      ...(user && password ? { basic: { user, password } } : {}),
      ...(env.TENCENT_MONITOR_PATH_TOKEN ? { pathToken: env.TENCENT_MONITOR_PATH_TOKEN } : {}),
    },
    cloudwatch: {
      ...(env.CLOUDWATCH_API_KEY ? { apiKey: env.CLOUDWATCH_API_KEY } : {}),
      apiKeyHeader: env.CLOUDWATCH_API_KEY_HEADER.toLowerCase(),
    },
    grafana: {
      ...(env.GRAFANA_HMAC_SECRET ? { hmacSecret: env.GRAFANA_HMAC_SECRET } : {}),
      ...(env.GRAFANA_SIGNATURE_HEADER
        ? { signatureHeader: env.GRAFANA_SIGNATURE_HEADER.toLowerCase() }
        : {}),
      ...(env.GRAFANA_TIMESTAMP_HEADER
        ? { timestampHeader: env.GRAFANA_TIMESTAMP_HEADER.toLowerCase() }
        : {}),
      ...(env.GRAFANA_TOKEN ? { token: env.GRAFANA_TOKEN } : {}),
    },
  };
};

/** No source configured: every alert route answers 401 (fail closed). */
export const NO_ALERT_SOURCES: AlertIngressSettings = {
  bodyLimitBytes: 262_144,
  replayWindowSeconds: 300,
  labels: { primary: 'instance_id', region: 'region' },
  alertmanager: {},
  tencentMonitor: {},
  cloudwatch: { apiKeyHeader: 'x-api-key' },
  grafana: {},
};
