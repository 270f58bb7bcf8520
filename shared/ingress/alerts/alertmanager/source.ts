import { alertmanagerEnvironmentShape } from '#shared/ingress/alerts/alertmanager/alertmanager-environment.ts';
import deployment from '#shared/ingress/alerts/alertmanager/source.deploy.json' with { type: 'json' };
import type { Source } from '#shared/ingress/source.ts';

/** Prometheus Alertmanager: the source's name on its requests, its kind, its deployment and its environment variables (source.deploy.json). */
export const alertmanagerSource = {
  id: 'alertmanager',
  kind: 'alert',
  deployment,
  environment: alertmanagerEnvironmentShape,
} as const satisfies Source;
