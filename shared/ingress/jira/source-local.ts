import type { JiraFieldMap } from '#shared/ingress/jira/jira-settings.ts';

/** The local stack's Jira: the webhook secret, the trigger rules, and where comments go (a stub in tests). */
export interface LocalJiraOptions {
  readonly webhookSecret: string;
  readonly projects: readonly string[];
  readonly issueTypes?: readonly string[];
  readonly triggerStatus?: string;
  readonly fieldMap?: JiraFieldMap;
  readonly baseUrl?: string;
  readonly email?: string;
  readonly apiToken?: string;
}

/** Jira in the local stack, loaded by `local/` only: its options (`startLocalStack({ jira })`) as the variables it reads in AWS. */
export const jiraLocal = {
  id: 'jira',
  variables: (jira: LocalJiraOptions): Record<string, string | undefined> => ({
    JIRA_WEBHOOK_SECRET: jira.webhookSecret,
    JIRA_PROJECTS: jira.projects.join(','),
    JIRA_ISSUE_TYPES: jira.issueTypes?.join(','),
    JIRA_TRIGGER_STATUS: jira.triggerStatus,
    JIRA_FIELD_MAP: jira.fieldMap ? JSON.stringify(jira.fieldMap) : undefined,
    JIRA_BASE_URL: jira.baseUrl,
    JIRA_EMAIL: jira.email,
    JIRA_API_TOKEN: jira.apiToken,
  }),
} as const;
