import { cloudwatchEnvironmentShape } from '#shared/ingress/alerts/cloudwatch/cloudwatch-environment.ts';
import deployment from '#shared/ingress/alerts/cloudwatch/source.deploy.json' with { type: 'json' };
import type { Source } from '#shared/ingress/source.ts';

/** CloudWatch alarms: the source's name on its requests, its kind, its deployment and its environment variables (source.deploy.json). */
export const cloudwatchSource = {
  id: 'cloudwatch',
  kind: 'alert',
  deployment,
  environment: cloudwatchEnvironmentShape,
} as const satisfies Source;
