import { headerName, secret } from '#shared/ingress/environment-rules.ts';
import * as z from '#shared/util/zod-mini.ts';

/** CloudWatch's environment variables (docs/ingress/cloudwatch.md). */
export const cloudwatchEnvironmentShape = {
  CLOUDWATCH_API_KEY: secret(16),
  CLOUDWATCH_API_KEY_HEADER: z._default(headerName, 'x-api-key'),
};
