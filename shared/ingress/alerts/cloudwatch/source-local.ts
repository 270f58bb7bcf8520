import type { CloudwatchSettings } from '#shared/ingress/alerts/cloudwatch/cloudwatch-settings.ts';
import { type LocalSource, localToken } from '#shared/ingress/local-source.ts';
import * as z from '#shared/util/zod-mini.ts';

type Credentials = { cloudwatchApiKey: string };

/** CloudWatch (an EventBridge API destination) in the local stack: an `x-api-key` key. */
export const cloudwatchLocal: LocalSource<Credentials, CloudwatchSettings> = {
  id: 'cloudwatch',
  credentials: { cloudwatchApiKey: z.string().check(z.minLength(16)) },
  generate: () => ({ cloudwatchApiKey: localToken('cw_local') }),
  settings: (credentials) => ({ apiKey: credentials.cloudwatchApiKey, apiKeyHeader: 'x-api-key' }),
  lines: (ingressUrl, credentials) => [
    `  CloudWatch     ${ingressUrl}/v1/alerts/cloudwatch   (x-api-key: ${credentials.cloudwatchApiKey})`,
  ],
  fromEnvironmentWhenSet: ['CLOUDWATCH_API_KEY', 'CLOUDWATCH_API_KEY_HEADER'],
};
