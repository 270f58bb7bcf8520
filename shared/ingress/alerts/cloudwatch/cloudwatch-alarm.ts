import type { Policy } from '#shared/domain/policy.ts';
import { type AlarmFacts, primariesForAlarm } from '#shared/domain/policy-cloudwatch.ts';
import type { AlertReading } from '#shared/ingress/alerts/alert.ts';
import { firing, ignored, resolved } from '#shared/ingress/alerts/alert.ts';
import type { CloudWatchAlarmEvent } from '#shared/ingress/alerts/cloudwatch/cloudwatch-alarm-event.ts';

const factsOf = (event: CloudWatchAlarmEvent): AlarmFacts => ({
  alarmName: event.detail.alarmName,
  dimensions: (event.detail.configuration?.metrics ?? []).flatMap((metric) =>
    metric.metricStat?.metric.dimensions ? [metric.metricStat.metric.dimensions] : [],
  ),
  tags: event.detail.alarmTags ?? {},
});

/**
 * A CloudWatch alarm state change, read: entering ALARM, for the one primary whose policy
 * `cloudwatch` mapping matches it, is a scale-out candidate keyed by the alarm ARN and the state's
 * timestamp (the same whether it came through the queue or the API destination); entering OK may
 * make that primary a scale-in candidate. INSUFFICIENT_DATA, and alarms no primary (or more than
 * one) maps, are ignored.
 */
export const readCloudWatchAlarm = (event: CloudWatchAlarmEvent, policy: Policy): AlertReading => {
  const { alarmName, state } = event.detail;
  if (state.value !== 'ALARM' && state.value !== 'OK') {
    return ignored(alarmName, `state is ${state.value}, neither ALARM nor OK`);
  }
  const primaries = primariesForAlarm(policy.primaries, factsOf(event));
  if (primaries.length === 0) {
    return ignored(alarmName, 'no primary in the policy maps this alarm (primaries.<id>.cloudwatch)');
  }
  const [primaryId] = primaries;
  if (primaries.length > 1 || !primaryId) {
    return ignored(alarmName, `the alarm maps to more than one primary (${primaries.join(', ')})`);
  }
  const alarmArn = event.resources[0];
  const key = alarmArn ?? alarmName;
  if (state.value === 'OK') return resolved({ source: 'cloudwatch', alertName: alarmName, primaryId, key });
  return firing({
    source: 'cloudwatch',
    alertName: alarmName,
    primaryId,
    dedupe: [alarmArn ?? event.id, state.timestamp],
    key,
    context: {
      alarmName,
      ...(alarmArn ? { alarmArn } : {}),
      stateTimestamp: state.timestamp,
      account: event.account,
      awsRegion: event.region,
      eventId: event.id,
    },
  });
};
