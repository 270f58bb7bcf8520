import type { Dependencies } from '#shared/config/dependencies.ts';
import type { AlertRouteDependencies } from '#shared/ingress/alerts/alert-route-dependencies.ts';
import { NO_ALERT_SOURCES } from '#shared/ingress/alerts/alert-settings.ts';
import { alertmanagerRoute } from '#shared/ingress/alerts/alertmanager/alertmanager-route.ts';
import { cloudwatchRoute } from '#shared/ingress/alerts/cloudwatch/cloudwatch-route.ts';
import { grafanaRoute } from '#shared/ingress/alerts/grafana/grafana-route.ts';
import { tencentMonitorRoute } from '#shared/ingress/alerts/tencent-monitor/tencent-monitor-route.ts';
import type { Route } from '#shared/ingress/routes.ts';

/** The load-alert routes (docs/ingress/*.md). A source with no credentials configured answers 401. */
export const alertRoutes = (deps: Dependencies): Route[] => {
  const alerts: AlertRouteDependencies = { ...deps, alerts: deps.alerts ?? NO_ALERT_SOURCES };
  const tencentMonitor = tencentMonitorRoute(alerts);
  return [
    { method: 'POST', path: '/v1/alerts/alertmanager', handler: alertmanagerRoute(alerts) },
    { method: 'POST', path: '/v1/alerts/tencent-monitor', handler: tencentMonitor },
    { method: 'POST', path: '/v1/alerts/tencent-monitor/{token}', handler: tencentMonitor },
    { method: 'POST', path: '/v1/alerts/cloudwatch', handler: cloudwatchRoute(alerts) },
    { method: 'POST', path: '/v1/alerts/grafana', handler: grafanaRoute(alerts) },
  ];
};
