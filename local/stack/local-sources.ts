import { type SourceDependencies, sourceDependenciesFrom } from '#shared/config/source-dependencies.ts';
import { sourceEnvironmentSchema } from '#shared/config/source-environment.ts';
import { ConfigError } from '#shared/errors.ts';
import type { JiraFieldMap } from '#shared/ingress/jira/jira-settings.ts';

/** The local stack's Slack app: the signing secret, and where completions go (a stub in tests). */
export interface LocalSlackOptions {
  readonly signingSecret: string;
  readonly botToken?: string;
  readonly webhookUrl?: string;
  /** `chat.postMessage` base URL, e.g. a stub's `http://127.0.0.1:PORT/api`. */
  readonly apiUrl?: string;
  readonly replayWindowSeconds?: number;
}

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

const defined = (entries: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined));

/**
 * Slack and Jira for the local stack: from the options (tests), else from the same `SLACK_*` /
 * `JIRA_*` variables as in AWS (`npm start` with them set), checked by the same schema.
 */
export const localSourceDependencies = (
  options: { readonly slack?: LocalSlackOptions; readonly jira?: LocalJiraOptions },
  env: NodeJS.ProcessEnv = process.env,
): SourceDependencies => {
  const { slack, jira } = options;
  const variables = {
    ...Object.fromEntries(Object.entries(env).filter(([name]) => /^(?:SLACK|JIRA)_/.test(name))),
    ...(slack
      ? defined({
          SLACK_SIGNING_SECRET: slack.signingSecret,
          SLACK_BOT_TOKEN: slack.botToken,
          SLACK_WEBHOOK_URL: slack.webhookUrl,
          SLACK_API_URL: slack.apiUrl,
          SLACK_REPLAY_WINDOW_SECONDS: slack.replayWindowSeconds?.toString(),
        })
      : {}),
    ...(jira
      ? defined({
          JIRA_WEBHOOK_SECRET: jira.webhookSecret,
          JIRA_PROJECTS: jira.projects.join(','),
          JIRA_ISSUE_TYPES: jira.issueTypes?.join(','),
          JIRA_TRIGGER_STATUS: jira.triggerStatus,
          JIRA_FIELD_MAP: jira.fieldMap ? JSON.stringify(jira.fieldMap) : undefined,
          JIRA_BASE_URL: jira.baseUrl,
          JIRA_EMAIL: jira.email,
          JIRA_API_TOKEN: jira.apiToken,
        })
      : {}),
  };
  const parsed = sourceEnvironmentSchema.safeParse(variables);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
    throw new ConfigError(`Invalid Slack/Jira settings for the local stack: ${problems}`);
  }
  return sourceDependenciesFrom(parsed.data, { timeoutMs: 10_000 });
};
