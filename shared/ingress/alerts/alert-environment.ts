import { sourceEnvironmentShape } from '#shared/config/source-environment.ts';
import * as z from '#shared/util/zod-mini.ts';
import { unsetWhenEmpty } from '#shared/util/zod-preprocess.ts';

/** A Prometheus/Grafana label name. */
const labelName = z
  .string()
  .check(z.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a label name like instance_id'), z.maxLength(128));

/**
 * The variables every alert source shares (each source's own are in its folder), merged into the runtime schema
 * (`runtime-config.ts`). The secrets among them may come from SSM Parameter Store instead
 * (`<VARIABLE>_PARAMETER`, see `secrets.ts`). Documented in docs/ingress/*.md.
 */
export const alertEnvironmentShape = {
  /** The alert label that names the Tencent primary (Alertmanager and Grafana). */
  ALERT_PRIMARY_LABEL: z._default(labelName, 'instance_id'),
  /** The alert label that names its region (optional on the alert; `gz`-style codes are mapped). */
  ALERT_REGION_LABEL: z._default(labelName, 'region'),
  /** Where alert-driven requests send their completion webhook (optional). */
  ALERT_CALLBACK_URL: unsetWhenEmpty(z.optional(z.url({ protocol: /^https?$/ }))),
  /** Largest alert body accepted, in bytes (Alertmanager batches many alerts in one body). */
  ALERT_BODY_LIMIT_BYTES: z._default(
    z.coerce.number().check(z.int(), z.gte(1024), z.lte(1_048_576)),
    262_144,
  ),
  /** How far a signed timestamp may be from now (Grafana with a timestamp header). */
  ALERT_REPLAY_WINDOW_SECONDS: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(3600)), 300),
};

/** What the alert settings read: the shared variables above and each alert source's own. */
export const alertEnvironmentSchema = z.object({ ...alertEnvironmentShape, ...sourceEnvironmentShape });
export type AlertEnvironment = z.infer<typeof alertEnvironmentSchema>;
