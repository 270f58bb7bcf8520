import * as z from 'zod';

/**
 * A Tencent Cloud Observability (Cloud Monitor) alarm callback (告警回调, doc 248/38209). The doc
 * and real captures disagree on types: `alarmStatus`, `durationTime`, `recoverTime` and the
 * condition values arrive as strings or numbers, so both are accepted. Unknown fields are ignored.
 */
const stringOrNumber = z.union([z.string(), z.number()]).transform((value) => String(value).trim());

export const tencentMonitorPayloadSchema = z.object({
  sessionId: z.string().min(1).max(256),
  /** "1" (or 1) alarming, "0" (or 0) recovered. */
  alarmStatus: stringOrNumber.pipe(
    z.enum(['0', '1'], { error: 'must be "1" (alarm) or "0" (recovered), as a string or a number' }),
  ),
  alarmType: z.string().optional(),
  alarmObjInfo: z.object({
    /** A short code (`gz`, `hk`…), mapped to `ap-…`. */
    region: z.string().max(64).optional(),
    namespace: z.string().optional(),
    appId: stringOrNumber.optional(),
    uin: stringOrNumber.optional(),
    /** Product-specific; for PostgreSQL `objName` is `ID:postgres-…|Instance Name:…|Ip Port:…`. */
    dimensions: z.record(z.string(), z.unknown()).optional(),
  }),
  alarmPolicyInfo: z.object({
    policyId: z.string().max(128).optional(),
    policyType: z.string().optional(),
    policyName: z.string().max(256).optional(),
    policyTypeCName: z.string().optional(),
    policyTypeEname: z.string().optional(),
    conditions: z
      .object({
        metricName: z.string().optional(),
        metricShowName: z.string().optional(),
        calcType: z.string().optional(),
        calcValue: stringOrNumber.optional(),
        calcUnit: z.string().optional(),
        currentValue: stringOrNumber.optional(),
        productName: z.string().optional(),
        eventName: z.string().optional(),
        eventShowName: z.string().optional(),
      })
      .optional(),
  }),
  /** `YYYY-MM-DD HH:MM:SS`, no time zone (kept as sent: it is only a dedupe value). */
  firstOccurTime: z.string().min(1).max(64),
  durationTime: stringOrNumber.optional(),
  /** "0" or 0 while the alarm is unresolved. */
  recoverTime: stringOrNumber.optional(),
});
export type TencentMonitorPayload = z.infer<typeof tencentMonitorPayloadSchema>;
