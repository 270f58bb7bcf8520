import type { AlertReading, FiringAlert } from '#shared/ingress/alerts/alert.ts';
import { firing, ignored, resolved } from '#shared/ingress/alerts/alert.ts';
import { primaryFromLabels } from '#shared/ingress/alerts/alert-labels.ts';

/** The alert fields Alertmanager and Grafana share (Grafana's body is Alertmanager's plus extras). */
export interface LabelledAlert {
  readonly status: 'firing' | 'resolved';
  readonly labels: Record<string, string>;
  readonly startsAt: string;
  readonly fingerprint: string;
  readonly generatorURL?: string | undefined;
}

export interface LabelledAlertSource<Alert extends LabelledAlert> {
  readonly source: FiringAlert['source'];
  readonly receiver: string;
  /** The name used when an alert has no `alertname` label. */
  readonly fallbackName?: string | undefined;
  /** Source-specific, stable facts added to the requester's context. */
  readonly extraContext: (alert: Alert) => Record<string, string>;
}

/**
 * Every alert of a notification, read: a firing alert whose labels name a primary becomes a
 * scale-out candidate keyed by its fingerprint and `startsAt` (so each repeat of the notification
 * maps to the same request); a resolved one that names a primary may make it a scale-in candidate
 * (its fingerprint says which alert stopped); alerts without the label are ignored.
 */
export const readLabelledAlerts = <Alert extends LabelledAlert>(
  alerts: readonly Alert[],
  labelNames: { readonly primary: string; readonly region: string },
  from: LabelledAlertSource<Alert>,
): AlertReading[] =>
  alerts.map((alert) => {
    const alertName = alert.labels.alertname || from.fallbackName || '(no alertname)';
    const target = primaryFromLabels(alert.labels, labelNames);
    if ('reason' in target) return ignored(alertName, target.reason);
    const region = target.region ? { region: target.region } : {};
    if (alert.status !== 'firing') {
      return resolved({
        source: from.source,
        alertName,
        primaryId: target.primaryId,
        ...region,
        key: alert.fingerprint,
      });
    }
    return firing({
      source: from.source,
      alertName,
      primaryId: target.primaryId,
      ...region,
      dedupe: [alert.fingerprint, alert.startsAt],
      key: alert.fingerprint,
      context: {
        alertname: alertName,
        fingerprint: alert.fingerprint,
        startsAt: alert.startsAt,
        receiver: from.receiver,
        ...from.extraContext(alert),
      },
    });
  });
