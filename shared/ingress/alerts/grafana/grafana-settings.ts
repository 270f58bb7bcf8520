import { ConfigError } from '#shared/errors.ts';
import type { grafanaEnvironmentShape } from '#shared/ingress/alerts/grafana/grafana-environment.ts';
import type { EnvironmentOf } from '#shared/ingress/environment-rules.ts';

/** Grafana's part of the alert ingress settings (`alerts.grafana`). Never logged. */
export interface GrafanaSettings {
  readonly hmacSecret?: string;
  /** Extra signature header to accept besides Grafana's two spellings. */
  readonly signatureHeader?: string;
  /** When set, the signature covers `timestamp:body` and the timestamp must be fresh. */
  readonly timestampHeader?: string;
  readonly token?: string;
}

/** A timestamp header without an HMAC secret is a ConfigError. */
export const grafanaSettingsFrom = (env: EnvironmentOf<typeof grafanaEnvironmentShape>): GrafanaSettings => {
  if (env.GRAFANA_TIMESTAMP_HEADER && !env.GRAFANA_HMAC_SECRET) {
    throw new ConfigError('GRAFANA_TIMESTAMP_HEADER needs GRAFANA_HMAC_SECRET');
  }
  return {
    ...(env.GRAFANA_HMAC_SECRET ? { hmacSecret: env.GRAFANA_HMAC_SECRET } : {}),
    ...(env.GRAFANA_SIGNATURE_HEADER ? { signatureHeader: env.GRAFANA_SIGNATURE_HEADER.toLowerCase() } : {}),
    ...(env.GRAFANA_TIMESTAMP_HEADER ? { timestampHeader: env.GRAFANA_TIMESTAMP_HEADER.toLowerCase() } : {}),
    ...(env.GRAFANA_TOKEN ? { token: env.GRAFANA_TOKEN } : {}),
  };
};

/** Nothing configured: every request refused. */
export const NO_GRAFANA: GrafanaSettings = {};
