import { jiraEnvironmentShape } from '#shared/ingress/jira/jira-environment.ts';
import deployment from '#shared/ingress/jira/source.deploy.json' with { type: 'json' };
import type { Source } from '#shared/ingress/source.ts';

/** Jira tickets: the source's name on its requests, its kind, its deployment (source.deploy.json), its environment variables, and the answer in place of its requests. */
export const jiraSource = {
  id: 'jira',
  kind: 'ticket',
  deployment,
  environment: jiraEnvironmentShape,
  answers: { notConfigured: 'Jira is not configured for comments (JIRA_BASE_URL and JIRA_API_TOKEN)' },
} as const satisfies Source;
