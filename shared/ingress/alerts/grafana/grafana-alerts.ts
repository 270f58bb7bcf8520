import type { AlertReading } from '#shared/ingress/alerts/alert.ts';
import type { GrafanaPayload } from '#shared/ingress/alerts/grafana/grafana-payload.ts';
import { readLabelledAlerts } from '#shared/ingress/alerts/labelled-alerts.ts';

/** Grafana alerts, read as Alertmanager's are (`readLabelledAlerts`), named by the title when unlabelled. */
export const readGrafanaAlerts = (
  payload: GrafanaPayload,
  labelNames: { readonly primary: string; readonly region: string },
): AlertReading[] =>
  readLabelledAlerts(payload.alerts, labelNames, {
    source: 'grafana',
    receiver: payload.receiver,
    fallbackName: payload.title,
    extraContext: (alert) => ({
      ...(payload.orgId !== undefined ? { orgId: String(payload.orgId) } : {}),
      ...(alert.labels.grafana_folder ? { folder: alert.labels.grafana_folder } : {}),
      ...(alert.generatorURL ? { generatorURL: alert.generatorURL } : {}),
    }),
  });
