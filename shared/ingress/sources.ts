import alertmanager from '#shared/ingress/alerts/alertmanager/source.deploy.json' with { type: 'json' };
import cloudwatch from '#shared/ingress/alerts/cloudwatch/source.deploy.json' with { type: 'json' };
import grafana from '#shared/ingress/alerts/grafana/source.deploy.json' with { type: 'json' };
import tencentMonitor from '#shared/ingress/alerts/tencent-monitor/source.deploy.json' with { type: 'json' };
import api from '#shared/ingress/api/source.deploy.json' with { type: 'json' };
import jira from '#shared/ingress/jira/source.deploy.json' with { type: 'json' };
import slack from '#shared/ingress/slack/source.deploy.json' with { type: 'json' };

/** A function's part of a source's deployment: its secrets (variable → SSM name) and settings (variable → stage parameter). */
export interface SourceFunctionSettings {
  readonly secrets: Readonly<Record<string, string>>;
  readonly settings: Readonly<Record<string, string>>;
}

/**
 * A trigger source's deployment data, `shared/ingress/<source>/source.deploy.json`: its HTTP routes
 * (ingest's events in serverless.yml) and the secrets and settings it adds to each function that
 * needs them. `deploy/function-settings.cjs` generates the functions' environment, their roles'
 * parameter ARNs and ingest's routes from the same files.
 */
export interface SourceDeployment {
  readonly id: string;
  readonly routes: readonly { readonly method: string; readonly path: string }[];
  readonly functions: Readonly<
    Partial<Record<'ingest' | 'validate' | 'create' | 'poll' | 'notify', SourceFunctionSettings>>
  >;
}

/** Every trigger source: the one list a new source is added to (a test checks the deployment finds the same ones). */
export const SOURCES: readonly SourceDeployment[] = [
  api,
  slack,
  alertmanager,
  tencentMonitor,
  cloudwatch,
  grafana,
  jira,
];

/** Every secret a source adds, by environment variable, each once. */
export const sourceSecretVariables = (): string[] => [
  ...new Set(
    SOURCES.flatMap((source) => Object.values(source.functions).flatMap((part) => Object.keys(part.secrets))),
  ),
];
