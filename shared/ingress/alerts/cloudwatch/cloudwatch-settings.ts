import type { cloudwatchEnvironmentShape } from '#shared/ingress/alerts/cloudwatch/cloudwatch-environment.ts';
import type { EnvironmentOf } from '#shared/ingress/environment-rules.ts';

/** CloudWatch's part of the alert ingress settings (`alerts.cloudwatch`). Never logged. */
export interface CloudwatchSettings {
  readonly apiKey?: string;
  /** Lower case. */
  readonly apiKeyHeader: string;
}

export const cloudwatchSettingsFrom = (
  env: EnvironmentOf<typeof cloudwatchEnvironmentShape>,
): CloudwatchSettings => ({
  ...(env.CLOUDWATCH_API_KEY ? { apiKey: env.CLOUDWATCH_API_KEY } : {}),
  apiKeyHeader: env.CLOUDWATCH_API_KEY_HEADER.toLowerCase(),
});

/** Nothing configured: every request refused. */
export const NO_CLOUDWATCH: CloudwatchSettings = { apiKeyHeader: 'x-api-key' };
