import { createJiraCommenter } from '#shared/adapters/jira/jira-commenter.ts';
import { createJiraDirectory } from '#shared/adapters/jira/jira-directory-client.ts';
import { createSlackNotifier } from '#shared/adapters/slack/slack-notifier.ts';
import type { SourceEnvironment } from '#shared/config/source-environment.ts';
import { ConfigError } from '#shared/errors.ts';
import { type JiraIngressSettings, jiraIngressFrom } from '#shared/ingress/jira/jira-settings.ts';
import { type SlackIngressSettings, slackIngressFrom } from '#shared/ingress/slack/slack-settings.ts';
import type { SourceNotifiers } from '#shared/ports/source-notifier.ts';

/** Each chat and ticket source's ingress settings, by source (absent: its route answers 401). */
export interface SourceSettings {
  readonly slack?: SlackIngressSettings;
  readonly jira?: JiraIngressSettings;
}

/** The Slack and Jira parts of `Dependencies`: ingress settings and notifiers. */
export interface SourceDependencies extends SourceSettings {
  readonly sourceNotifiers: SourceNotifiers;
}

const notifiersFrom = (env: SourceEnvironment, timeoutMs: number): SourceNotifiers => {
  // Plain settings (JIRA_BASE_URL, JIRA_EMAIL) may reach every function; the token only those that comment.
  if (env.JIRA_API_TOKEN && !env.JIRA_BASE_URL) throw new ConfigError('JIRA_API_TOKEN needs JIRA_BASE_URL');
  const slack =
    env.SLACK_BOT_TOKEN || env.SLACK_WEBHOOK_URL
      ? createSlackNotifier({
          ...(env.SLACK_BOT_TOKEN ? { botToken: env.SLACK_BOT_TOKEN } : {}),
          ...(env.SLACK_WEBHOOK_URL ? { webhookUrl: env.SLACK_WEBHOOK_URL } : {}),
          apiUrl: env.SLACK_API_URL,
          timeoutMs,
        })
      : undefined;
  const jira =
    env.JIRA_BASE_URL && env.JIRA_API_TOKEN
      ? createJiraCommenter({
          baseUrl: env.JIRA_BASE_URL,
          apiToken: env.JIRA_API_TOKEN,
          ...(env.JIRA_EMAIL ? { email: env.JIRA_EMAIL } : {}),
          timeoutMs,
        })
      : undefined;
  return { ...(slack ? { slack } : {}), ...(jira ? { jira } : {}) };
};

/** Builds the Slack and Jira dependencies from the environment; a half-configured source is a ConfigError. */
export const sourceDependenciesFrom = (
  env: SourceEnvironment,
  options: { readonly timeoutMs: number },
): SourceDependencies => {
  const slack = slackIngressFrom(env);
  const ingress = jiraIngressFrom(env);
  // The Jira ingress reads approvers' groups where the function is given the API token.
  const jira =
    ingress && env.JIRA_BASE_URL && env.JIRA_API_TOKEN
      ? {
          ...ingress,
          directory: createJiraDirectory({
            baseUrl: env.JIRA_BASE_URL,
            apiToken: env.JIRA_API_TOKEN,
            ...(env.JIRA_EMAIL ? { email: env.JIRA_EMAIL } : {}),
          }),
        }
      : ingress;
  return {
    ...(slack ? { slack } : {}),
    ...(jira ? { jira } : {}),
    sourceNotifiers: notifiersFrom(env, options.timeoutMs),
  };
};
