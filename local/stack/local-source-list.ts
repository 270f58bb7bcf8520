import type { AlertSettingsById } from '#shared/ingress/alerts/alert-settings.ts';
import { alertmanagerLocal } from '#shared/ingress/alerts/alertmanager/source-local.ts';
import { cloudwatchLocal } from '#shared/ingress/alerts/cloudwatch/source-local.ts';
import { grafanaLocal } from '#shared/ingress/alerts/grafana/source-local.ts';
import { tencentMonitorLocal } from '#shared/ingress/alerts/tencent-monitor/source-local.ts';
import { jiraLocal } from '#shared/ingress/jira/source-local.ts';
import type { LocalSource } from '#shared/ingress/local-source.ts';
import { slackLocal } from '#shared/ingress/slack/source-local.ts';
import type { AlertSourceId } from '#shared/ingress/sources.ts';

/**
 * Each alert source's local pieces (its folder's `source-local.ts`), by source: one line per alert
 * source of shared/ingress/sources.ts (tsc refuses a missing one). The local stack's credentials,
 * settings and printed lines derive from it (`local-alert-credentials.ts`).
 */
export const LOCAL_ALERT_SOURCES = {
  alertmanager: alertmanagerLocal,
  'tencent-monitor': tencentMonitorLocal,
  cloudwatch: cloudwatchLocal,
  grafana: grafanaLocal,
} as const satisfies {
  readonly [Id in AlertSourceId]: LocalSource<Record<string, string>, AlertSettingsById[Id]>;
};

/**
 * Each chat and ticket source's local pieces (its folder's `source-local.ts`): its options to the
 * local stack (`startLocalStack({ slack, jira })`, tests) as the variables it reads in AWS
 * (`local-sources.ts`).
 */
export const LOCAL_OPTION_SOURCES = { slack: slackLocal, jira: jiraLocal } as const;
