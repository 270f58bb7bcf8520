import deployment from '#shared/ingress/alerts/tencent-monitor/source.deploy.json' with { type: 'json' };
import { tencentMonitorEnvironmentShape } from '#shared/ingress/alerts/tencent-monitor/tencent-monitor-environment.ts';
import type { Source } from '#shared/ingress/source.ts';

/** Tencent Cloud Monitor alarms: the source's name on its requests, its kind, its deployment and its environment variables (source.deploy.json). */
export const tencentMonitorSource = {
  id: 'tencent-monitor',
  kind: 'alert',
  deployment,
  environment: tencentMonitorEnvironmentShape,
} as const satisfies Source;
