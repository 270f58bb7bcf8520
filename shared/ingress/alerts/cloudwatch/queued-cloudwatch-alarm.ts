import type { SQSRecord } from 'aws-lambda';
import type { AlertSubmitDependencies } from '#shared/ingress/alerts/alert-to-request.ts';
import {
  type CloudWatchAlarmEvent,
  cloudwatchAlarmEventSchema,
} from '#shared/ingress/alerts/cloudwatch/cloudwatch-alarm-event.ts';
import { intakeCloudWatchAlarm } from '#shared/ingress/alerts/cloudwatch/cloudwatch-alarm-intake.ts';
import {
  type DeadLetterVerdict,
  deadLetter,
  malformedReason,
  parseQueueBody,
} from '#shared/runtime/sqs-batch.ts';

/**
 * A CloudWatch alarm envelope from the requests queue (the EventBridge rule's target), which the
 * queue's own schema only told apart from our messages: read in full here, and recorded. A malformed
 * one is dead-lettered with the reason the queue's border gives, so it is never lost or retried.
 */
export const intakeQueuedCloudWatchAlarm = async (
  record: SQSRecord,
  deps: AlertSubmitDependencies,
): Promise<'recorded' | 'ignored' | DeadLetterVerdict> => {
  let alarm: CloudWatchAlarmEvent;
  try {
    alarm = parseQueueBody(cloudwatchAlarmEventSchema, record);
  } catch (error) {
    return deadLetter(malformedReason(error));
  }
  const receipt = await intakeCloudWatchAlarm(alarm, deps);
  return receipt.accepted.length > 0 ? 'recorded' : 'ignored';
};
