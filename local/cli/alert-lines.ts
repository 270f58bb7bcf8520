import type { LocalAlertCredentials } from '#local/stack/local-alert-credentials.ts';

/** What `up` prints about the alert sources: where each one posts and with which local credential. */
export const alertLines = (ingressUrl: string, alerts: LocalAlertCredentials): string[] => {
  const url = new URL(ingressUrl);
  const basicUrl = `${url.protocol}//${alerts.tencentMonitorUser}:${alerts.tencentMonitorPassword}@${url.host}`;
  return [
    `  Alertmanager   ${ingressUrl}/v1/alerts/alertmanager   (Authorization: Bearer ${alerts.alertmanagerToken})`,
    `  Cloud Monitor  ${basicUrl}/v1/alerts/tencent-monitor`,
    `                 or ${ingressUrl}/v1/alerts/tencent-monitor/${alerts.tencentMonitorPathToken}`,
    `  CloudWatch     ${ingressUrl}/v1/alerts/cloudwatch   (x-api-key: ${alerts.cloudwatchApiKey})`,
    `  Grafana        ${ingressUrl}/v1/alerts/grafana   (HMAC secret ${alerts.grafanaHmacSecret},`,
    `                 timestamp header X-Grafana-Alerting-Timestamp; Authorization: Bearer ${alerts.grafanaToken})`,
  ];
};
