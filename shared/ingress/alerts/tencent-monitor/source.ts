import deployment from '#shared/ingress/alerts/tencent-monitor/source.deploy.json' with { type: 'json' };
import type { Source } from '#shared/ingress/source.ts';

/** Tencent Cloud Monitor alarms: the source's name on its requests, its kind, and its deployment (source.deploy.json). */
export const tencentMonitorSource = {
  id: 'tencent-monitor',
  kind: 'alert',
  deployment,
} as const satisfies Source;
