import { ConfigError } from '#shared/errors.ts';
import type { tencentMonitorEnvironmentShape } from '#shared/ingress/alerts/tencent-monitor/tencent-monitor-environment.ts';
import type { EnvironmentOf } from '#shared/ingress/environment-rules.ts';

/** Tencent Cloud Monitor's part of the alert ingress settings (`alerts.tencentMonitor`). Never logged. */
export interface TencentMonitorSettings {
  readonly basic?: { readonly user: string; readonly password: string };
  readonly pathToken?: string;
}

/** A user without a password (or the reverse) is a ConfigError. */
export const tencentMonitorSettingsFrom = (
  env: EnvironmentOf<typeof tencentMonitorEnvironmentShape>,
): TencentMonitorSettings => {
  const user = env.TENCENT_MONITOR_BASIC_USER;
  const password = env.TENCENT_MONITOR_BASIC_PASSWORD;
  if ((user === undefined) !== (password === undefined)) {
    throw new ConfigError(
      'TENCENT_MONITOR_BASIC_USER and TENCENT_MONITOR_BASIC_PASSWORD must be set together',
    );
  }
  return {
    ...(user && password ? { basic: { user, password } } : {}),
    ...(env.TENCENT_MONITOR_PATH_TOKEN ? { pathToken: env.TENCENT_MONITOR_PATH_TOKEN } : {}),
  };
};

/** Nothing configured: every request refused. */
export const NO_TENCENT_MONITOR: TencentMonitorSettings = {};
