import { jiraEnvironmentShape } from '#shared/ingress/jira/jira-environment.ts';
import deployment from '#shared/ingress/jira/source.deploy.json' with { type: 'json' };
import type { Source } from '#shared/ingress/source.ts';

/** Jira tickets: the source's name on its requests, its kind, its deployment and its environment variables (source.deploy.json). */
export const jiraSource = {
  id: 'jira',
  kind: 'ticket',
  deployment,
  environment: jiraEnvironmentShape,
} as const satisfies Source;
