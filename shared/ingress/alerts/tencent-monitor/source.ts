import deployment from '#shared/ingress/alerts/tencent-monitor/source.deploy.json' with { type: 'json' };
import { tencentMonitorEnvironmentShape } from '#shared/ingress/alerts/tencent-monitor/tencent-monitor-environment.ts';
import {
  NO_TENCENT_MONITOR,
  tencentMonitorSettingsFrom,
} from '#shared/ingress/alerts/tencent-monitor/tencent-monitor-settings.ts';
import type { Source } from '#shared/ingress/source.ts';

/** Tencent Cloud Monitor alarms: the source's name on its requests, its kind, its deployment (source.deploy.json), its environment variables and the settings built from them. */
export const tencentMonitorSource = {
  id: 'tencent-monitor',
  kind: 'alert',
  deployment,
  environment: tencentMonitorEnvironmentShape,
  settings: { key: 'tencentMonitor', from: tencentMonitorSettingsFrom, none: NO_TENCENT_MONITOR },
} as const satisfies Source;
