import deployment from '#shared/ingress/api/source.deploy.json' with { type: 'json' };
import type { Source } from '#shared/ingress/source.ts';

/** The generic HTTP API: the source's name on its requests, its kind, and its deployment (source.deploy.json). */
export const apiSource = { id: 'api', kind: 'api', deployment, environment: {} } as const satisfies Source;
