import * as z from 'zod';

/**
 * The EventBridge envelope of a CloudWatch alarm state change (`source: aws.cloudwatch`,
 * `detail-type: CloudWatch Alarm State Change`), as an EventBridge rule puts it on the requests
 * queue and as an API destination POSTs it. Metric-math and composite alarms have no
 * `metricStat`; `alarmTags` is present when tag propagation is on. Unknown fields are ignored.
 */
const stateSchema = z.object({
  value: z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']),
  reason: z.string().optional(),
  reasonData: z.string().optional(),
  timestamp: z.string().min(1).max(64),
});

const metricSchema = z.object({
  id: z.string().optional(),
  metricStat: z
    .object({
      metric: z.object({
        namespace: z.string().optional(),
        name: z.string().optional(),
        dimensions: z.record(z.string(), z.string()).optional(),
      }),
      period: z.number().optional(),
      stat: z.string().optional(),
    })
    .optional(),
  expression: z.string().optional(),
  returnData: z.boolean().optional(),
});

export const cloudwatchAlarmEventSchema = z.object({
  version: z.string(),
  id: z.string().min(1).max(256),
  'detail-type': z.literal('CloudWatch Alarm State Change'),
  source: z.literal('aws.cloudwatch'),
  account: z.string().max(32),
  time: z.string(),
  region: z.string().max(64),
  resources: z.array(z.string().max(2048)).max(10),
  detail: z.object({
    alarmName: z.string().min(1).max(255),
    state: stateSchema,
    previousState: stateSchema.partial().optional(),
    configuration: z
      .object({
        description: z.string().optional(),
        metrics: z.array(metricSchema).max(100).optional(),
      })
      .optional(),
    alarmTags: z.record(z.string(), z.string()).optional(),
  }),
});
export type CloudWatchAlarmEvent = z.infer<typeof cloudwatchAlarmEventSchema>;
