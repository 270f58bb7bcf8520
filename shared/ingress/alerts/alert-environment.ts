import * as z from 'zod';

/** Empty means unset (a blank `KEY=` line in an env file, or an unset CloudFormation parameter). */
const unsetIfEmpty = (value: unknown): unknown => (value === '' ? undefined : value);

/** A shared secret: at least 16 characters. The message never repeats the value. */
const secret = z.preprocess(unsetIfEmpty, z.string().min(16, 'must be at least 16 characters').optional());

/** A Prometheus/Grafana label name. */
const labelName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a label name like instance_id')
  .max(128);

/** An HTTP header name (token characters only). */
const headerName = z
  .string()
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'must be an HTTP header name like x-api-key')
  .max(128);

/**
 * The alert ingresses' environment variables, merged into the runtime schema
 * (`runtime-config.ts`). The secrets among them may come from SSM Parameter Store instead
 * (`<VARIABLE>_PARAMETER`, see `secrets.ts`). Documented in docs/ingress/*.md.
 */
export const alertEnvironmentShape = {
  /** Alertmanager's `http_config.authorization.credentials` (Bearer). */
  ALERTMANAGER_TOKEN: secret,
  /** The alert label that names the Tencent primary (Alertmanager and Grafana). */
  ALERT_PRIMARY_LABEL: labelName.default('instance_id'),
  /** The alert label that names its region (optional on the alert; `gz`-style codes are mapped). */
  ALERT_REGION_LABEL: labelName.default('region'),
  /** Where alert-driven requests send their completion webhook (optional). */
  ALERT_CALLBACK_URL: z.preprocess(unsetIfEmpty, z.url({ protocol: /^https?$/ }).optional()),
  /** Largest alert body accepted, in bytes (Alertmanager batches many alerts in one body). */
  ALERT_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(1_048_576).default(262_144),
  /** How far a signed timestamp may be from now (Grafana with a timestamp header). */
  ALERT_REPLAY_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
  TENCENT_MONITOR_BASIC_USER: z.preprocess(unsetIfEmpty, z.string().min(1).max(128).optional()),
  TENCENT_MONITOR_BASIC_PASSWORD: secret,
  TENCENT_MONITOR_PATH_TOKEN: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .min(16, 'must be at least 16 characters')
      .regex(/^[A-Za-z0-9_-]+$/, 'must use only letters, digits, _ and - (it is a URL path segment)')
      .optional(),
  ),
  CLOUDWATCH_API_KEY: secret,
  CLOUDWATCH_API_KEY_HEADER: headerName.default('x-api-key'),
  GRAFANA_HMAC_SECRET: secret,
  GRAFANA_SIGNATURE_HEADER: z.preprocess(unsetIfEmpty, headerName.optional()),
  GRAFANA_TIMESTAMP_HEADER: z.preprocess(unsetIfEmpty, headerName.optional()),
  GRAFANA_TOKEN: secret,
};

export const alertEnvironmentSchema = z.object(alertEnvironmentShape);
export type AlertEnvironment = z.infer<typeof alertEnvironmentSchema>;
