import * as z from '#shared/util/zod-mini.ts';

/**
 * Alertmanager's webhook body, version 4 (`notify/webhook/webhook.go`): the `template.Data` fields
 * plus `version`, `groupKey` and `truncatedAlerts`. Unknown fields are ignored (newer releases add
 * some); what the mapping relies on is required.
 */
const labels = z.record(z.string(), z.string());

export const alertmanagerAlertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels,
  annotations: z.optional(labels),
  /** RFC 3339 with Go's nanoseconds; with `fingerprint`, it identifies one firing. */
  startsAt: z.iso.datetime({ offset: true }),
  /** `0001-01-01T00:00:00Z` while firing. */
  endsAt: z.string(),
  generatorURL: z.optional(z.string()),
  fingerprint: z
    .string()
    .check(z.regex(/^[0-9a-f]{1,64}$/, 'must be the hex fingerprint Alertmanager sends')),
});
export type AlertmanagerAlert = z.infer<typeof alertmanagerAlertSchema>;

export const alertmanagerPayloadSchema = z.object({
  version: z.literal('4', { error: 'only webhook version "4" is supported' }),
  groupKey: z.string(),
  truncatedAlerts: z.optional(z.int().check(z.gte(0))),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string(),
  groupLabels: z.optional(labels),
  commonLabels: z.optional(labels),
  commonAnnotations: z.optional(labels),
  externalURL: z.optional(z.string()),
  alerts: z.array(alertmanagerAlertSchema).check(z.maxLength(1000)),
});
export type AlertmanagerPayload = z.infer<typeof alertmanagerPayloadSchema>;
