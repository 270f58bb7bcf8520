import { grafanaEnvironmentShape } from '#shared/ingress/alerts/grafana/grafana-environment.ts';
import deployment from '#shared/ingress/alerts/grafana/source.deploy.json' with { type: 'json' };
import type { Source } from '#shared/ingress/source.ts';

/** Grafana alerts: the source's name on its requests, its kind, its deployment and its environment variables (source.deploy.json). */
export const grafanaSource = {
  id: 'grafana',
  kind: 'alert',
  deployment,
  environment: grafanaEnvironmentShape,
} as const satisfies Source;
