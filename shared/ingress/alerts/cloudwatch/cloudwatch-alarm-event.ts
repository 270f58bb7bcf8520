import * as z from '#shared/util/zod-mini.ts';
import { optionalText, text } from '#shared/util/zod-text.ts';

/**
 * The EventBridge envelope of a CloudWatch alarm state change (`source: aws.cloudwatch`,
 * `detail-type: CloudWatch Alarm State Change`), as an EventBridge rule puts it on the requests
 * queue and as an API destination POSTs it. Metric-math and composite alarms have no
 * `metricStat`; `alarmTags` is present when tag propagation is on. Unknown fields are ignored.
 */
const stateSchema = z.object({
  value: z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']),
  reason: optionalText(),
  reasonData: optionalText(),
  timestamp: text(1, 64),
});

const metricSchema = z.object({
  id: optionalText(),
  metricStat: z.optional(
    z.object({
      metric: z.object({
        namespace: optionalText(),
        name: optionalText(),
        dimensions: z.optional(z.record(z.string(), z.string())),
      }),
      period: z.optional(z.number()),
      stat: optionalText(),
    }),
  ),
  expression: optionalText(),
  returnData: z.optional(z.boolean()),
});

export const cloudwatchAlarmEventSchema = z.object({
  version: z.string(),
  id: text(1, 256),
  'detail-type': z.literal('CloudWatch Alarm State Change'),
  source: z.literal('aws.cloudwatch'),
  account: z.string().check(z.maxLength(32)),
  time: z.string(),
  region: z.string().check(z.maxLength(64)),
  resources: z.array(z.string().check(z.maxLength(2048))).check(z.maxLength(10)),
  detail: z.object({
    alarmName: text(1, 255),
    state: stateSchema,
    previousState: z.optional(z.partial(stateSchema)),
    configuration: z.optional(
      z.object({
        description: optionalText(),
        metrics: z.optional(z.array(metricSchema).check(z.maxLength(100))),
      }),
    ),
    alarmTags: z.optional(z.record(z.string(), z.string())),
  }),
});
export type CloudWatchAlarmEvent = z.infer<typeof cloudwatchAlarmEventSchema>;
