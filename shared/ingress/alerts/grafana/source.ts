import deployment from '#shared/ingress/alerts/grafana/source.deploy.json' with { type: 'json' };
import type { Source } from '#shared/ingress/source.ts';

/** Grafana alerts: the source's name on its requests, its kind, and its deployment (source.deploy.json). */
export const grafanaSource = { id: 'grafana', kind: 'alert', deployment } as const satisfies Source;
