import * as z from '#shared/util/zod-mini.ts';
import { optionalText, text } from '#shared/util/zod-text.ts';

/**
 * A Tencent Cloud Observability (Cloud Monitor) alarm callback (告警回调, doc 248/38209). The doc
 * and real captures disagree on types: `alarmStatus`, `durationTime`, `recoverTime` and the
 * condition values arrive as strings or numbers, so both are accepted. Unknown fields are ignored.
 */
const stringOrNumber = z.pipe(
  z.union([z.string(), z.number()]),
  z.transform((value) => String(value).trim()),
);

export const tencentMonitorPayloadSchema = z.object({
  sessionId: text(1, 256),
  /** "1" (or 1) alarming, "0" (or 0) recovered. */
  alarmStatus: z.pipe(
    stringOrNumber,
    z.enum(['0', '1'], { error: 'must be "1" (alarm) or "0" (recovered), as a string or a number' }),
  ),
  alarmType: optionalText(),
  alarmObjInfo: z.object({
    /** A short code (`gz`, `hk`…), mapped to `ap-…`. */
    region: z.optional(z.string().check(z.maxLength(64))),
    namespace: optionalText(),
    appId: z.optional(stringOrNumber),
    uin: z.optional(stringOrNumber),
    /** Product-specific; for PostgreSQL `objName` is `ID:postgres-…|Instance Name:…|Ip Port:…`. */
    dimensions: z.optional(z.record(z.string(), z.unknown())),
  }),
  alarmPolicyInfo: z.object({
    policyId: z.optional(z.string().check(z.maxLength(128))),
    policyType: optionalText(),
    policyName: z.optional(z.string().check(z.maxLength(256))),
    policyTypeCName: optionalText(),
    policyTypeEname: optionalText(),
    conditions: z.optional(
      z.object({
        metricName: optionalText(),
        metricShowName: optionalText(),
        calcType: optionalText(),
        calcValue: z.optional(stringOrNumber),
        calcUnit: optionalText(),
        currentValue: z.optional(stringOrNumber),
        productName: optionalText(),
        eventName: optionalText(),
        eventShowName: optionalText(),
      }),
    ),
  }),
  /** `YYYY-MM-DD HH:MM:SS`, no time zone (kept as sent: it is only a dedupe value). */
  firstOccurTime: text(1, 64),
  durationTime: z.optional(stringOrNumber),
  /** "0" or 0 while the alarm is unresolved. */
  recoverTime: z.optional(stringOrNumber),
});
export type TencentMonitorPayload = z.infer<typeof tencentMonitorPayloadSchema>;
