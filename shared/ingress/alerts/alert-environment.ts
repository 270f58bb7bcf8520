import * as z from '#shared/util/zod-mini.ts';
import { unsetWhenEmpty } from '#shared/util/zod-preprocess.ts';

/** A shared secret: at least 16 characters. The message never repeats the value. */
const secret = unsetWhenEmpty(
  z.optional(z.string().check(z.minLength(16, 'must be at least 16 characters'))),
);

/** A Prometheus/Grafana label name. */
const labelName = z
  .string()
  .check(z.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a label name like instance_id'), z.maxLength(128));

/** An HTTP header name (token characters only). */
const headerName = z
  .string()
  .check(
    z.regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'must be an HTTP header name like x-api-key'),
    z.maxLength(128),
  );

/**
 * The alert ingresses' environment variables, merged into the runtime schema
 * (`runtime-config.ts`). The secrets among them may come from SSM Parameter Store instead
 * (`<VARIABLE>_PARAMETER`, see `secrets.ts`). Documented in docs/ingress/*.md.
 */
export const alertEnvironmentShape = {
  /** Alertmanager's `http_config.authorization.credentials` (Bearer). */
  ALERTMANAGER_TOKEN: secret,
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
  TENCENT_MONITOR_BASIC_USER: unsetWhenEmpty(z.optional(z.string().check(z.minLength(1), z.maxLength(128)))),
  TENCENT_MONITOR_BASIC_PASSWORD: secret,
  TENCENT_MONITOR_PATH_TOKEN: unsetWhenEmpty(
    z.optional(
      z
        .string()
        .check(
          z.minLength(16, 'must be at least 16 characters'),
          z.regex(/^[A-Za-z0-9_-]+$/, 'must use only letters, digits, _ and - (it is a URL path segment)'),
        ),
    ),
  ),
  CLOUDWATCH_API_KEY: secret,
  CLOUDWATCH_API_KEY_HEADER: z._default(headerName, 'x-api-key'),
  GRAFANA_HMAC_SECRET: secret,
  GRAFANA_SIGNATURE_HEADER: unsetWhenEmpty(z.optional(headerName)),
  GRAFANA_TIMESTAMP_HEADER: unsetWhenEmpty(z.optional(headerName)),
  GRAFANA_TOKEN: secret,
};

export const alertEnvironmentSchema = z.object(alertEnvironmentShape);
export type AlertEnvironment = z.infer<typeof alertEnvironmentSchema>;
