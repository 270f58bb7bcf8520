import type { AlertReading } from '#shared/ingress/alerts/alert.ts';
import type { AlertmanagerPayload } from '#shared/ingress/alerts/alertmanager/alertmanager-payload.ts';
import { readLabelledAlerts } from '#shared/ingress/alerts/labelled-alerts.ts';

/** Every alert of an Alertmanager notification, read as `readLabelledAlerts` says. */
export const readAlertmanagerAlerts = (
  payload: AlertmanagerPayload,
  labelNames: { readonly primary: string; readonly region: string },
): AlertReading[] =>
  readLabelledAlerts(payload.alerts, labelNames, {
    source: 'alertmanager',
    receiver: payload.receiver,
    extraContext: (alert) => ({
      ...(alert.labels.severity ? { severity: alert.labels.severity } : {}),
      ...(alert.generatorURL ? { generatorURL: alert.generatorURL } : {}),
      ...(payload.externalURL ? { externalURL: payload.externalURL } : {}),
    }),
  });
