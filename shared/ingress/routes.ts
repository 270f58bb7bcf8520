import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Dependencies } from '#shared/config/dependencies.ts';
import { alertRoutes } from '#shared/ingress/alerts/alert-routes.ts';
import { statusRoute } from '#shared/ingress/api/status-route.ts';
import { submitRoute } from '#shared/ingress/api/submit-route.ts';
import { lazyRoute } from '#shared/ingress/lazy-route.ts';

export interface Route {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly handler: (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;
}

/**
 * The ingest function's routes; each source adapter adds its own here. Lazy (all but the generic
 * API's): see docs/bundling.md#ingest-sources-load-at-their-first-request
 */
export const ingressRoutes = (deps: Dependencies): Route[] => {
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
    ...alertRoutes(deps),
    {
      method: 'POST',
      path: '/v1/chatops/slack',
      handler: lazyRoute(async () => (await import('#shared/ingress/slack/slack-route.ts')).slackRoute(deps)),
    },
    {
      method: 'POST',
      path: '/v1/chatops/slack/interactions',
      handler: lazyRoute(async () =>
        (await import('#shared/ingress/slack/slack-interaction-route.ts')).slackInteractionRoute({
          ...deps,
          provisioningTimeoutMs: deps.settings.provisioningTimeoutMs,
        }),
      ),
    },
    {
      method: 'POST',
      path: '/v1/tickets/jira',
      handler: lazyRoute(async () =>
        (await import('#shared/ingress/jira/jira-route.ts')).jiraRoute({
          ...deps,
          approvals: { ...deps, provisioningTimeoutMs: deps.settings.provisioningTimeoutMs },
        }),
      ),
    },
  ];
};
