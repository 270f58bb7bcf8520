import { headerName, secret } from '#shared/ingress/environment-rules.ts';
import * as z from '#shared/util/zod-mini.ts';
import { unsetWhenEmpty } from '#shared/util/zod-preprocess.ts';

/** Grafana's environment variables (docs/ingress/grafana.md). */
export const grafanaEnvironmentShape = {
  GRAFANA_HMAC_SECRET: secret(16),
  GRAFANA_SIGNATURE_HEADER: unsetWhenEmpty(z.optional(headerName)),
  GRAFANA_TIMESTAMP_HEADER: unsetWhenEmpty(z.optional(headerName)),
  GRAFANA_TOKEN: secret(16),
};
