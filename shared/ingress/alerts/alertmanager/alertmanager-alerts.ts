import type { AlertReading } from '#shared/ingress/alerts/alert.ts';
import { firing, ignored } from '#shared/ingress/alerts/alert.ts';
import { primaryFromLabels } from '#shared/ingress/alerts/alert-labels.ts';
import type { AlertmanagerPayload } from '#shared/ingress/alerts/alertmanager/alertmanager-payload.ts';

/**
 * Every alert of an Alertmanager notification, read: a firing alert whose labels name a primary
 * becomes a scale-out candidate keyed by its fingerprint and `startsAt` (so each repeat of the
 * notification maps to the same request); resolved alerts and alerts without the label are ignored.
 */
export const readAlertmanagerAlerts = (
  payload: AlertmanagerPayload,
  labelNames: { readonly primary: string; readonly region: string },
): AlertReading[] =>
  payload.alerts.map((alert) => {
    const alertName = alert.labels.alertname || '(no alertname)';
    if (alert.status !== 'firing') return ignored(alertName, 'resolved');
    const target = primaryFromLabels(alert.labels, labelNames);
    if ('reason' in target) return ignored(alertName, target.reason);
    return firing({
      source: 'alertmanager',
      alertName,
      primaryId: target.primaryId,
      ...(target.region ? { region: target.region } : {}),
      dedupe: [alert.fingerprint, alert.startsAt],
      context: {
        alertname: alertName,
        fingerprint: alert.fingerprint,
        startsAt: alert.startsAt,
        receiver: payload.receiver,
        ...(alert.labels.severity ? { severity: alert.labels.severity } : {}),
        ...(alert.generatorURL ? { generatorURL: alert.generatorURL } : {}),
        ...(payload.externalURL ? { externalURL: payload.externalURL } : {}),
      },
    });
  });
