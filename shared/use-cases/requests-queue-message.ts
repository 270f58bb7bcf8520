import {
  type CloudWatchAlarmEvent,
  cloudwatchAlarmEventSchema,
} from '#shared/ingress/alerts/cloudwatch/cloudwatch-alarm-event.ts';
import { type RequestMessage, requestMessageSchema } from '#shared/use-cases/queue-messages.ts';
import * as z from '#shared/util/zod-mini.ts';

/**
 * What the requests queue carries: our own `{requestId}` (from ingest, the poller's requeue) or the
 * raw EventBridge envelope of a CloudWatch alarm state change (the alarm rule targets the queue).
 */
export const requestsQueueMessageSchema = z.union([requestMessageSchema, cloudwatchAlarmEventSchema]);
export type RequestsQueueMessage = RequestMessage | CloudWatchAlarmEvent;

export const isRequestMessage = (message: RequestsQueueMessage): message is RequestMessage =>
  'requestId' in message;
