import deployment from '#shared/ingress/jira/source.deploy.json' with { type: 'json' };
import type { Source } from '#shared/ingress/source.ts';

/** Jira tickets: the source's name on its requests, its kind, and its deployment (source.deploy.json). */
export const jiraSource = { id: 'jira', kind: 'ticket', deployment } as const satisfies Source;
