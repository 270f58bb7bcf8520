import type { AlertRouteDependencies } from '#shared/ingress/alerts/alert-route-dependencies.ts';
import { NO_ALERT_SOURCES } from '#shared/ingress/alerts/alert-settings.ts';
import type { IngressDependencies, Route } from '#shared/ingress/route.ts';

type RouteLoader = (deps: IngressDependencies) => Promise<Route['handler']>;
/** `POST /v1/alerts/grafana`: a route of the source's `source.deploy.json`. */
export type RouteKey = `${Route['method']} /${string}`;

/** An alert route's dependencies: with no alert settings, every source refuses (fail closed). */
const alerting = (deps: IngressDependencies): AlertRouteDependencies => ({
  ...deps,
  alerts: deps.alerts ?? NO_ALERT_SOURCES,
});

/** What deciding an approval takes besides the routes' ports: the deadline a create gets once approved. */
const deciding = (deps: IngressDependencies) => ({
  ...deps,
  provisioningTimeoutMs: deps.settings.provisioningTimeoutMs,
});

/**
 * Each trigger source's routes (every route of its `source.deploy.json` but the generic API's), by
 * `METHOD path`: one line per route, importing the source's route module at its first request
 * (`ingressRoutes` wraps each in `lazyRoute`). Ingest's alone. The `import()` is written out so that
 * esbuild splits the module into a chunk of its own: docs/bundling.md#ingest-sources-load-at-their-first-request
 */
export const SOURCE_ROUTES: Readonly<Record<RouteKey, RouteLoader>> = {
  'POST /v1/alerts/alertmanager': async (deps) =>
    (await import('#shared/ingress/alerts/alertmanager/alertmanager-route.ts')).alertmanagerRoute(
      alerting(deps),
    ),
  'POST /v1/alerts/tencent-monitor': async (deps) =>
    (await import('#shared/ingress/alerts/tencent-monitor/tencent-monitor-route.ts')).tencentMonitorRoute(
      alerting(deps),
    ),
  'POST /v1/alerts/tencent-monitor/{token}': async (deps) =>
    (await import('#shared/ingress/alerts/tencent-monitor/tencent-monitor-route.ts')).tencentMonitorRoute(
      alerting(deps),
    ),
  'POST /v1/alerts/cloudwatch': async (deps) =>
    (await import('#shared/ingress/alerts/cloudwatch/cloudwatch-route.ts')).cloudwatchRoute(alerting(deps)),
  'POST /v1/alerts/grafana': async (deps) =>
    (await import('#shared/ingress/alerts/grafana/grafana-route.ts')).grafanaRoute(alerting(deps)),
  'POST /v1/chatops/slack': async (deps) =>
    (await import('#shared/ingress/slack/slack-route.ts')).slackRoute(deps),
  'POST /v1/chatops/slack/interactions': async (deps) =>
    (await import('#shared/ingress/slack/slack-interaction-route.ts')).slackInteractionRoute(deciding(deps)),
  'POST /v1/tickets/jira': async (deps) =>
    (await import('#shared/ingress/jira/jira-route.ts')).jiraRoute({ ...deps, approvals: deciding(deps) }),
};
