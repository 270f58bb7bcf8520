import { alertRoutes } from '#shared/ingress/alerts/alert-routes.ts';
import { statusRoute } from '#shared/ingress/api/status-route.ts';
import { submitRoute } from '#shared/ingress/api/submit-route.ts';
import { lazyRoute } from '#shared/ingress/lazy-route.ts';
import type { IngressDependencies, Route } from '#shared/ingress/route.ts';

export type { IngressDependencies, Route } from '#shared/ingress/route.ts';

/**
 * The ingest function's routes; each source adapter adds its own here. Lazy (all but the generic
 * API's): see docs/bundling.md#ingest-sources-load-at-their-first-request
 */
export const ingressRoutes = (deps: IngressDependencies): Route[] => {
  const api = { ...deps, bodyLimitBytes: deps.settings.bodyLimitBytes };
  return [
    { method: 'POST', path: '/v1/replica-requests', handler: submitRoute(api) },
    { method: 'GET', path: '/v1/replica-requests/{id}', handler: statusRoute(deps) },
    {
      method: 'GET',
      path: '/v1/primaries/{id}/replicas',
      handler: lazyRoute(async () => (await import('#shared/ingress/api/fleet-route.ts')).fleetRoute(deps)),
    },
    {
      method: 'GET',
      path: '/v1/fleet',
      handler: lazyRoute(async () =>
        (await import('#shared/ingress/api/fleet-route.ts')).fleetOverviewRoute(deps),
      ),
    },
    ...alertRoutes(deps),
    {
      method: 'POST',
      path: '/v1/chatops/slack',
      handler: lazyRoute(async () => (await import('#shared/ingress/slack/slack-route.ts')).slackRoute(deps)),
    },
    {
      method: 'POST',
      path: '/v1/tickets/jira',
      handler: lazyRoute(async () => (await import('#shared/ingress/jira/jira-route.ts')).jiraRoute(deps)),
    },
  ];
};
