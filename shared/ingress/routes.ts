import { statusRoute } from '#shared/ingress/api/status-route.ts';
import { submitRoute } from '#shared/ingress/api/submit-route.ts';
import { lazyRoute } from '#shared/ingress/lazy-route.ts';
import type { IngressDependencies, Route } from '#shared/ingress/route.ts';
import { type RouteKey, SOURCE_ROUTES } from '#shared/ingress/source-routes.ts';

export type { IngressDependencies, Route } from '#shared/ingress/route.ts';

/**
 * The ingest function's routes: the generic API's, then every other source's (`source-routes.ts`),
 * each loaded at its first request: see docs/bundling.md#ingest-sources-load-at-their-first-request
 */
export const ingressRoutes = (deps: IngressDependencies): Route[] => {
  const api = { ...deps, bodyLimitBytes: deps.settings.bodyLimitBytes };
  return [
    { method: 'POST', path: '/v1/replica-requests', handler: submitRoute(api) },
    { method: 'GET', path: '/v1/replica-requests/{id}', handler: statusRoute(deps) },
    {
      method: 'POST',
      path: '/v1/replica-requests/{id}/approval',
      handler: lazyRoute(async () =>
        (await import('#shared/ingress/api/approval-route.ts')).approvalRoute({
          ...api,
          provisioningTimeoutMs: deps.settings.provisioningTimeoutMs,
        }),
      ),
    },
    {
      method: 'POST',
      path: '/v1/replica-removals',
      handler: lazyRoute(async () =>
        (await import('#shared/ingress/api/removal-routes.ts')).submitRemovalRoute(api),
      ),
    },
    {
      method: 'GET',
      path: '/v1/replica-removals/{id}',
      handler: lazyRoute(async () =>
        (await import('#shared/ingress/api/removal-routes.ts')).removalStatusRoute(deps),
      ),
    },
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
    ...(Object.entries(SOURCE_ROUTES) as [RouteKey, (typeof SOURCE_ROUTES)[RouteKey]][]).map(
      ([key, load]): Route => {
        const [method, path] = key.split(' ') as [Route['method'], string];
        return { method, path, handler: lazyRoute(() => load(deps)) };
      },
    ),
  ];
};
