import { cloudwatchEnvironmentShape } from '#shared/ingress/alerts/cloudwatch/cloudwatch-environment.ts';
import {
  cloudwatchSettingsFrom,
  NO_CLOUDWATCH,
} from '#shared/ingress/alerts/cloudwatch/cloudwatch-settings.ts';
import deployment from '#shared/ingress/alerts/cloudwatch/source.deploy.json' with { type: 'json' };
import type { Source } from '#shared/ingress/source.ts';

/** CloudWatch alarms: the source's name on its requests, its kind, its deployment (source.deploy.json), its environment variables and the settings built from them. */
export const cloudwatchSource = {
  id: 'cloudwatch',
  kind: 'alert',
  deployment,
  environment: cloudwatchEnvironmentShape,
  settings: { key: 'cloudwatch', from: cloudwatchSettingsFrom, none: NO_CLOUDWATCH },
} as const satisfies Source;
