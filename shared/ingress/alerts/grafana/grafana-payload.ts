import * as z from '#shared/util/zod-mini.ts';

/**
 * Grafana's webhook contact point body (`receivers/webhook/v1`, `version: "1"`): Alertmanager's
 * fields plus `orgId`, `title`, `state`, `message` and per-alert URLs and values. Unknown fields are
 * ignored (Grafana adds some between releases).
 */
const labels = z.record(z.string(), z.string());

export const grafanaAlertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels,
  annotations: z.optional(labels),
  startsAt: z.iso.datetime({ offset: true }),
  endsAt: z.string(),
  generatorURL: z.optional(z.string()),
  fingerprint: z.string().check(z.regex(/^[0-9a-f]{1,64}$/, 'must be the hex fingerprint Grafana sends')),
  silenceURL: z.optional(z.string()),
  dashboardURL: z.optional(z.string()),
  panelURL: z.optional(z.string()),
  values: z.optional(z.nullable(z.record(z.string(), z.number()))),
  valueString: z.optional(z.string()),
});

export const grafanaPayloadSchema = z.object({
  receiver: z.string(),
  status: z.enum(['firing', 'resolved']),
  alerts: z.array(grafanaAlertSchema).check(z.maxLength(1000)),
  groupLabels: z.optional(labels),
  commonLabels: z.optional(labels),
  commonAnnotations: z.optional(labels),
  externalURL: z.optional(z.string()),
  version: z.optional(z.string()),
  groupKey: z.optional(z.string()),
  truncatedAlerts: z.optional(z.int().check(z.gte(0))),
  orgId: z.optional(z.int()),
  title: z.optional(z.string()),
  state: z.optional(z.string()),
  message: z.optional(z.string()),
});
export type GrafanaPayload = z.infer<typeof grafanaPayloadSchema>;
