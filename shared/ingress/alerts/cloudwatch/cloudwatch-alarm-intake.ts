import type { AlertReceipt, AlertSubmitDependencies } from '#shared/ingress/alerts/alert-to-request.ts';
import { submitAlerts } from '#shared/ingress/alerts/alert-to-request.ts';
import { readCloudWatchAlarm } from '#shared/ingress/alerts/cloudwatch/cloudwatch-alarm.ts';
import type { CloudWatchAlarmEvent } from '#shared/ingress/alerts/cloudwatch/cloudwatch-alarm-event.ts';

/**
 * One CloudWatch alarm state change, from either path (the requests queue or the API
 * destination): recorded RECEIVED and queued for validation, or acknowledged and logged.
 */
export const intakeCloudWatchAlarm = (
  event: CloudWatchAlarmEvent,
  deps: AlertSubmitDependencies,
): Promise<AlertReceipt> => submitAlerts([readCloudWatchAlarm(event, deps.policy)], deps);
