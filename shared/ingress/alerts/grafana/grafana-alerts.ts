import type { AlertReading } from '#shared/ingress/alerts/alert.ts';
import { firing, ignored } from '#shared/ingress/alerts/alert.ts';
import { primaryFromLabels } from '#shared/ingress/alerts/alert-labels.ts';
import type { GrafanaPayload } from '#shared/ingress/alerts/grafana/grafana-payload.ts';

/** Grafana alerts, read as Alertmanager's are: firing + primary label → candidate keyed by fingerprint and startsAt. */
export const readGrafanaAlerts = (
  payload: GrafanaPayload,
  labelNames: { readonly primary: string; readonly region: string },
): AlertReading[] =>
  payload.alerts.map((alert) => {
    const alertName = alert.labels.alertname || payload.title || '(no alertname)';
    if (alert.status !== 'firing') return ignored(alertName, 'resolved');
    const target = primaryFromLabels(alert.labels, labelNames);
    if ('reason' in target) return ignored(alertName, target.reason);
    return firing({
      source: 'grafana',
      alertName,
      primaryId: target.primaryId,
      ...(target.region ? { region: target.region } : {}),
      dedupe: [alert.fingerprint, alert.startsAt],
      context: {
        alertname: alertName,
        fingerprint: alert.fingerprint,
        startsAt: alert.startsAt,
        receiver: payload.receiver,
        ...(payload.orgId !== undefined ? { orgId: String(payload.orgId) } : {}),
        ...(alert.labels.grafana_folder ? { folder: alert.labels.grafana_folder } : {}),
        ...(alert.generatorURL ? { generatorURL: alert.generatorURL } : {}),
      },
    });
  });
