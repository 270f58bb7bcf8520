import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import type { AlertIngressSettings } from '#shared/ingress/alerts/alert-settings.ts';
import { NO_ALERT_SOURCES } from '#shared/ingress/alerts/alert-settings.ts';

/** The alert sources' development credentials of one local data folder (docs/ingress/*.md). */
export const localAlertCredentialsSchema = z.strictObject({
  alertmanagerToken: z.string().min(16),
  tencentMonitorUser: z.string().min(1),
  tencentMonitorPassword: z.string().min(16),
  tencentMonitorPathToken: z.string().regex(/^[A-Za-z0-9_-]{16,}$/),
  cloudwatchApiKey: z.string().min(16),
  grafanaHmacSecret: z.string().min(16),
  grafanaToken: z.string().min(16),
});
export type LocalAlertCredentials = z.infer<typeof localAlertCredentialsSchema>;

const token = (prefix: string) => `${prefix}_${randomBytes(18).toString('base64url')}`;

export const generateLocalAlertCredentials = (): LocalAlertCredentials => ({
  alertmanagerToken: token('am_local'),
  tencentMonitorUser: 'tencent-monitor',
  tencentMonitorPassword: token('tcm_local'),
  tencentMonitorPathToken: token('tcm_path'),
  cloudwatchApiKey: token('cw_local'),
  grafanaHmacSecret: token('grafana_hmac'),
  grafanaToken: token('grafana_local'),
});

/**
 * The local stack's alert ingress settings: every source enabled with the folder's credentials,
 * Grafana with both the HMAC signature (timestamped, header `X-Grafana-Alerting-Timestamp`) and
 * the Bearer token, as a careful production set-up would have it.
 */
export const localAlertSettings = (
  credentials: LocalAlertCredentials,
  overrides: Partial<AlertIngressSettings> = {},
): AlertIngressSettings => ({
  ...NO_ALERT_SOURCES,
  alertmanager: { token: credentials.alertmanagerToken },
  tencentMonitor: {
    basic: { user: credentials.tencentMonitorUser, password: credentials.tencentMonitorPassword },
    pathToken: credentials.tencentMonitorPathToken,
  },
  cloudwatch: { apiKey: credentials.cloudwatchApiKey, apiKeyHeader: 'x-api-key' },
  grafana: {
    hmacSecret: credentials.grafanaHmacSecret,
    timestampHeader: 'x-grafana-alerting-timestamp',
    token: credentials.grafanaToken,
  },
  ...overrides,
});
