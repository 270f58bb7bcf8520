import deployment from '#shared/ingress/alerts/cloudwatch/source.deploy.json' with { type: 'json' };
import type { Source } from '#shared/ingress/source.ts';

/** CloudWatch alarms: the source's name on its requests, its kind, and its deployment (source.deploy.json). */
export const cloudwatchSource = { id: 'cloudwatch', kind: 'alert', deployment } as const satisfies Source;
