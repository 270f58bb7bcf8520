import type { Policy } from '#shared/domain/policy.ts';
import { type AlarmFacts, primariesForAlarm } from '#shared/domain/policy-cloudwatch.ts';
import type { AlertReading } from '#shared/ingress/alerts/alert.ts';
import { firing, ignored } from '#shared/ingress/alerts/alert.ts';
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
 * timestamp (the same whether it came through the queue or the API destination). Other states,
 * and alarms no primary (or more than one) maps, are ignored.
 */
export const readCloudWatchAlarm = (event: CloudWatchAlarmEvent, policy: Policy): AlertReading => {
  const { alarmName, state } = event.detail;
  if (state.value !== 'ALARM') return ignored(alarmName, `state is ${state.value}, not ALARM`);
  const primaries = primariesForAlarm(policy.primaries, factsOf(event));
  if (primaries.length === 0) {
    return ignored(alarmName, 'no primary in the policy maps this alarm (primaries.<id>.cloudwatch)');
  }
  const [primaryId] = primaries;
  if (primaries.length > 1 || !primaryId) {
    return ignored(alarmName, `the alarm maps to more than one primary (${primaries.join(', ')})`);
  }
  const alarmArn = event.resources[0];
  return firing({
    source: 'cloudwatch',
    alertName: alarmName,
    primaryId,
    dedupe: [alarmArn ?? event.id, state.timestamp],
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
