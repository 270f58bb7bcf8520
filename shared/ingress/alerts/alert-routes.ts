import type { AlertRouteDependencies } from '#shared/ingress/alerts/alert-route-dependencies.ts';
import { NO_ALERT_SOURCES } from '#shared/ingress/alerts/alert-settings.ts';
import { lazyRoute } from '#shared/ingress/lazy-route.ts';
import type { IngressDependencies, Route } from '#shared/ingress/route.ts';

/** The load-alert routes (docs/ingress/*.md). A source with no credentials configured answers 401. */
export const alertRoutes = (deps: IngressDependencies): Route[] => {
  const alerts: AlertRouteDependencies = { ...deps, alerts: deps.alerts ?? NO_ALERT_SOURCES };
  // Lazy: see docs/bundling.md#ingest-sources-load-at-their-first-request
  const tencentMonitor = lazyRoute(async () =>
    (await import('#shared/ingress/alerts/tencent-monitor/tencent-monitor-route.ts')).tencentMonitorRoute(
      alerts,
    ),
  );
  return [
    {
      method: 'POST',
      path: '/v1/alerts/alertmanager',
      handler: lazyRoute(async () =>
        (await import('#shared/ingress/alerts/alertmanager/alertmanager-route.ts')).alertmanagerRoute(alerts),
      ),
    },
    { method: 'POST', path: '/v1/alerts/tencent-monitor', handler: tencentMonitor },
    { method: 'POST', path: '/v1/alerts/tencent-monitor/{token}', handler: tencentMonitor },
    {
      method: 'POST',
      path: '/v1/alerts/cloudwatch',
      handler: lazyRoute(async () =>
        (await import('#shared/ingress/alerts/cloudwatch/cloudwatch-route.ts')).cloudwatchRoute(alerts),
      ),
    },
    {
      method: 'POST',
      path: '/v1/alerts/grafana',
      handler: lazyRoute(async () =>
        (await import('#shared/ingress/alerts/grafana/grafana-route.ts')).grafanaRoute(alerts),
      ),
    },
  ];
};
