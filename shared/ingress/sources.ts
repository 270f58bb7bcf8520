import { alertmanagerSource } from '#shared/ingress/alerts/alertmanager/source.ts';
import { cloudwatchSource } from '#shared/ingress/alerts/cloudwatch/source.ts';
import { grafanaSource } from '#shared/ingress/alerts/grafana/source.ts';
import { tencentMonitorSource } from '#shared/ingress/alerts/tencent-monitor/source.ts';
import { apiSource } from '#shared/ingress/api/source.ts';
import { jiraSource } from '#shared/ingress/jira/source.ts';
import { slackSource } from '#shared/ingress/slack/source.ts';
import type { SourceDeployment } from '#shared/ingress/source.ts';

/**
 * Every trigger source: the one list a new source is added to. The requester sources and the alert
 * sources (shared/domain), the secrets loaded (shared/config/secrets.ts) and, through each folder's
 * source.deploy.json, the deployment (deploy/function-settings.cjs; a test checks it finds the same
 * sources) derive from it.
 */
export const SOURCES = [
  apiSource,
  slackSource,
  alertmanagerSource,
  tencentMonitorSource,
  cloudwatchSource,
  grafanaSource,
  jiraSource,
] as const;

export type SourceId = (typeof SOURCES)[number]['id'];
export type AlertSourceId = Extract<(typeof SOURCES)[number], { kind: 'alert' }>['id'];

type AnsweringSource = Extract<(typeof SOURCES)[number], { answers: unknown }>;
/** The sources told of a completion where the request came from (Slack, Jira): each has a notifier. */
export type AnsweringSourceId = AnsweringSource['id'];
export const ANSWERING_SOURCES: readonly AnsweringSource[] = SOURCES.filter(
  (source): source is AnsweringSource => 'answers' in source,
);

/** Every source's deployment data. */
export const SOURCE_DEPLOYMENTS: readonly SourceDeployment[] = SOURCES.map((source) => source.deployment);

/** Every secret a source adds, by environment variable, each once. */
export const sourceSecretVariables = (): string[] => [
  ...new Set(
    SOURCE_DEPLOYMENTS.flatMap((deployment) =>
      Object.values(deployment.functions).flatMap((part) => Object.keys(part.secrets)),
    ),
  ),
];

type UnionToIntersection<Union> = (Union extends unknown ? (part: Union) => void : never) extends (
  part: infer Intersection,
) => void
  ? Intersection
  : never;

/** Every source's environment variables, as one zod shape. */
export type SourcesEnvironmentShape = UnionToIntersection<(typeof SOURCES)[number]['environment']>;
export const sourcesEnvironmentShape = Object.assign(
  {},
  ...SOURCES.map((source) => source.environment),
) as SourcesEnvironmentShape;
