import { type RequestMessage, requestMessageSchema } from '#shared/use-cases/queue-messages.ts';
import * as z from '#shared/util/zod-mini.ts';

/**
 * Enough of a CloudWatch alarm's EventBridge envelope to tell it from our own message. The whole
 * event is read by `readQueuedCloudWatchAlarm` (`cloudwatch-alarm-intake.ts`), which validate loads
 * at the first envelope: a stage with no CloudWatch alarms never builds that schema.
 */
const cloudwatchEnvelopeSchema = z.object({
  'detail-type': z.literal('CloudWatch Alarm State Change'),
  source: z.literal('aws.cloudwatch'),
});
export type CloudWatchEnvelope = z.infer<typeof cloudwatchEnvelopeSchema>;

/**
 * What the requests queue carries: our own `{requestId}` (from ingest, the poller's requeue) or the
 * raw EventBridge envelope of a CloudWatch alarm state change (the alarm rule targets the queue).
 */
export const requestsQueueMessageSchema = z.union([requestMessageSchema, cloudwatchEnvelopeSchema]);
export type RequestsQueueMessage = RequestMessage | CloudWatchEnvelope;

export const isRequestMessage = (message: RequestsQueueMessage): message is RequestMessage =>
  'requestId' in message;
