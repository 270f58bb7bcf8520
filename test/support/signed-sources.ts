import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** A sample event under events/<source>/, as text. */
export const sampleEventText = (source: 'slack' | 'jira', file: string): string =>
  readFileSync(new URL(`../../events/${source}/${file}`, import.meta.url), 'utf8');

/** The fields of a sample slash command (events/slack/*.json). */
export const slashCommandFields = (
  file: string,
  overrides: Record<string, string> = {},
): Record<string, string> => ({
  ...(JSON.parse(sampleEventText('slack', file)) as Record<string, string>),
  ...overrides,
});

/** Form-encodes fields as Slack does (`+` for spaces, `%2F` for slashes). */
export const slackFormBody = (fields: Record<string, string>): string =>
  new URLSearchParams(fields).toString();

/** Slack's signing headers for `body`, signed at `timestamp` (unix seconds; default now). */
export const slackSignatureHeaders = (
  secret: string,
  body: string,
  timestamp = Math.floor(Date.now() / 1000),
): Record<string, string> => ({
  'x-slack-request-timestamp': String(timestamp),
  'x-slack-signature': `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`,
});

/** Jira's `X-Hub-Signature` for `body`. */
export const jiraSignatureHeader = (secret: string, body: string): Record<string, string> => ({
  'x-hub-signature': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
});

/** A sample Jira webhook (events/jira/*.json) as an object, to be changed per test. */
export const jiraWebhook = (file: string): Record<string, unknown> & { issue: JiraIssueLike } =>
  JSON.parse(sampleEventText('jira', file)) as Record<string, unknown> & { issue: JiraIssueLike };

export interface JiraIssueLike {
  key: string;
  id: string;
  fields: Record<string, unknown> & { status: { name: string } };
}
