import { grafanaEnvironmentShape } from '#shared/ingress/alerts/grafana/grafana-environment.ts';
import { grafanaSettingsFrom, NO_GRAFANA } from '#shared/ingress/alerts/grafana/grafana-settings.ts';
import deployment from '#shared/ingress/alerts/grafana/source.deploy.json' with { type: 'json' };
import type { Source } from '#shared/ingress/source.ts';

/** Grafana alerts: the source's name on its requests, its kind, its deployment (source.deploy.json), its environment variables and the settings built from them. */
export const grafanaSource = {
  id: 'grafana',
  kind: 'alert',
  deployment,
  environment: grafanaEnvironmentShape,
  settings: { key: 'grafana', from: grafanaSettingsFrom, none: NO_GRAFANA },
} as const satisfies Source;
