import type { TencentMonitorSettings } from '#shared/ingress/alerts/tencent-monitor/tencent-monitor-settings.ts';
import { type LocalSource, localToken } from '#shared/ingress/local-source.ts';
import * as z from '#shared/util/zod-mini.ts';

type Credentials = {
  tencentMonitorUser: string;
  tencentMonitorPassword: string;
  tencentMonitorPathToken: string;
};

/** Tencent Cloud Monitor in the local stack: both HTTP Basic and the path token. */
export const tencentMonitorLocal: LocalSource<Credentials, TencentMonitorSettings> = {
  id: 'tencent-monitor',
  credentials: {
    tencentMonitorUser: z.string().check(z.minLength(1)),
    tencentMonitorPassword: z.string().check(z.minLength(16)),
    tencentMonitorPathToken: z.string().check(z.regex(/^[A-Za-z0-9_-]{16,}$/)),
  },
  generate: () => ({
    tencentMonitorUser: 'tencent-monitor',
    tencentMonitorPassword: localToken('tcm_local'),
    tencentMonitorPathToken: localToken('tcm_path'),
  }),
  settings: (credentials) => ({
    basic: { user: credentials.tencentMonitorUser, password: credentials.tencentMonitorPassword },
    pathToken: credentials.tencentMonitorPathToken,
  }),
  lines: (ingressUrl, credentials) => {
    const url = new URL(ingressUrl);
    const basicUrl = `${url.protocol}//${credentials.tencentMonitorUser}:${credentials.tencentMonitorPassword}@${url.host}`;
    return [
      `  Cloud Monitor  ${basicUrl}/v1/alerts/tencent-monitor`,
      `                 or ${ingressUrl}/v1/alerts/tencent-monitor/${credentials.tencentMonitorPathToken}`,
    ];
  },
  fromEnvironmentWhenSet: ['TENCENT_MONITOR_BASIC_USER', 'TENCENT_MONITOR_PATH_TOKEN'],
};
