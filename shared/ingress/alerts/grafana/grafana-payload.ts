import * as z from 'zod';

/**
 * Grafana's webhook contact point body (`receivers/webhook/v1`, `version: "1"`): Alertmanager's
 * fields plus `orgId`, `title`, `state`, `message` and per-alert URLs and values. Unknown fields are
 * ignored (Grafana adds some between releases).
 */
const labels = z.record(z.string(), z.string());

export const grafanaAlertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels,
  annotations: labels.optional(),
  startsAt: z.iso.datetime({ offset: true }),
  endsAt: z.string(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().regex(/^[0-9a-f]{1,64}$/, 'must be the hex fingerprint Grafana sends'),
  silenceURL: z.string().optional(),
  dashboardURL: z.string().optional(),
  panelURL: z.string().optional(),
  values: z.record(z.string(), z.number()).nullable().optional(),
  valueString: z.string().optional(),
});

export const grafanaPayloadSchema = z.object({
  receiver: z.string(),
  status: z.enum(['firing', 'resolved']),
  alerts: z.array(grafanaAlertSchema).max(1000),
  groupLabels: labels.optional(),
  commonLabels: labels.optional(),
  commonAnnotations: labels.optional(),
  externalURL: z.string().optional(),
  version: z.string().optional(),
  groupKey: z.string().optional(),
  truncatedAlerts: z.int().min(0).optional(),
  orgId: z.int().optional(),
  title: z.string().optional(),
  state: z.string().optional(),
  message: z.string().optional(),
});
export type GrafanaPayload = z.infer<typeof grafanaPayloadSchema>;
