import deployment from '#shared/ingress/alerts/alertmanager/source.deploy.json' with { type: 'json' };
import type { Source } from '#shared/ingress/source.ts';

/** Prometheus Alertmanager: the source's name on its requests, its kind, and its deployment (source.deploy.json). */
export const alertmanagerSource = { id: 'alertmanager', kind: 'alert', deployment } as const satisfies Source;
