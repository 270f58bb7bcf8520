import type { GrafanaSettings } from '#shared/ingress/alerts/grafana/grafana-settings.ts';
import { type LocalSource, localToken } from '#shared/ingress/local-source.ts';
import * as z from '#shared/util/zod-mini.ts';

type Credentials = { grafanaHmacSecret: string; grafanaToken: string };

/**
 * Grafana in the local stack: both the HMAC signature (timestamped, header
 * `X-Grafana-Alerting-Timestamp`) and the Bearer token, as a careful production set-up would have it.
 */
export const grafanaLocal: LocalSource<Credentials, GrafanaSettings> = {
  id: 'grafana',
  credentials: {
    grafanaHmacSecret: z.string().check(z.minLength(16)),
    grafanaToken: z.string().check(z.minLength(16)),
  },
  generate: () => ({
    grafanaHmacSecret: localToken('grafana_hmac'),
    grafanaToken: localToken('grafana_local'),
  }),
  settings: (credentials) => ({
    hmacSecret: credentials.grafanaHmacSecret,
    timestampHeader: 'x-grafana-alerting-timestamp',
    token: credentials.grafanaToken,
  }),
  lines: (ingressUrl, credentials) => [
    `  Grafana        ${ingressUrl}/v1/alerts/grafana   (HMAC secret ${credentials.grafanaHmacSecret},`,
    `                 timestamp header X-Grafana-Alerting-Timestamp; Authorization: Bearer ${credentials.grafanaToken})`,
  ],
  fromEnvironmentWhenSet: ['GRAFANA_HMAC_SECRET', 'GRAFANA_TOKEN'],
};
