import { describe, expect, it } from 'vitest';
import { readRuntimeEnvironment } from '#shared/config/runtime-config.ts';
import { sourceDependenciesFrom } from '#shared/config/source-dependencies.ts';
import { ConfigError } from '#shared/errors.ts';

const build = (env: Record<string, string>) =>
  sourceDependenciesFrom(readRuntimeEnvironment(env), { timeoutMs: 1000 });

const configError = (env: Record<string, string>): ConfigError => {
  try {
    build(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('no ConfigError');
};

const SIGNING_SECRET = 'slack-signing-secret-0123456789';
const WEBHOOK_SECRET = 'jira-webhook-secret-0123456789';

describe('sourceDependenciesFrom', () => {
  it('leaves Slack and Jira off, with no notifiers, when nothing is set', () => {
    expect(build({})).toEqual({ sourceNotifiers: {} });
  });

  it('turns the Slack ingress on with the signing secret and a 5-minute window by default', () => {
    expect(build({ SLACK_SIGNING_SECRET: SIGNING_SECRET }).slack).toEqual({
      signingSecret: SIGNING_SECRET,
      replayWindowSeconds: 300,
    });
  });

  it('reads the Jira trigger rules and the field map', () => {
    const { jira } = build({
      JIRA_WEBHOOK_SECRET: WEBHOOK_SECRET,
      JIRA_PROJECTS: 'OPS, DBA',
      JIRA_ISSUE_TYPES: 'Task,Service Request',
      JIRA_TRIGGER_STATUS: 'Approved',
      JIRA_FIELD_MAP: '{"MasterDBInstanceId":"customfield_10050"}',
    });

    expect(jira).toEqual({
      webhookSecret: WEBHOOK_SECRET,
      projects: ['OPS', 'DBA'],
      issueTypes: ['Task', 'Service Request'],
      triggerStatus: 'Approved',
      fieldMap: { MasterDBInstanceId: 'customfield_10050' },
    });
  });

  it('builds a Slack notifier from a bot token or an incoming webhook, and a Jira commenter from URL and token', () => {
    const withToken = build({
      SLACK_BOT_TOKEN: 'xoxb-1-abc',
      JIRA_BASE_URL: 'https://acme.atlassian.net',
      JIRA_API_TOKEN: 't',
    });
    const withWebhook = build({ SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/x' });

    expect(Object.keys(withToken.sourceNotifiers).sort()).toEqual(['jira', 'slack']);
    expect(Object.keys(withWebhook.sourceNotifiers)).toEqual(['slack']);
  });

  it('lets a function with only the plain Jira settings (no token) start, commenting nothing', () => {
    expect(
      build({ JIRA_BASE_URL: 'https://acme.atlassian.net', JIRA_EMAIL: 'rf@acme.example' }).sourceNotifiers,
    ).toEqual({});
  });

  it('fails fast, naming the variable and never the value, on a half or bad configuration', () => {
    expect(configError({ JIRA_WEBHOOK_SECRET: WEBHOOK_SECRET }).message).toBe(
      'JIRA_PROJECTS must name the project keys whose tickets become requests',
    );
    expect(configError({ JIRA_API_TOKEN: 'token-value-xyz' }).message).toBe(
      'JIRA_API_TOKEN needs JIRA_BASE_URL',
    );
    expect(
      configError({
        JIRA_WEBHOOK_SECRET: WEBHOOK_SECRET,
        JIRA_PROJECTS: 'OPS',
        JIRA_FIELD_MAP: '{"Primary":"x"}',
      }).message,
    ).toMatch(/^JIRA_FIELD_MAP is invalid/);
    const shortSecret = configError({ SLACK_SIGNING_SECRET: 'short-secret' });
    expect(shortSecret.message).toContain('SLACK_SIGNING_SECRET: must be at least 16 characters');
    expect(shortSecret.message).not.toContain('short-secret');
    const badToken = configError({ SLACK_BOT_TOKEN: 'not-a-token-value' });
    expect(badToken.message).toContain('SLACK_BOT_TOKEN');
    expect(badToken.message).not.toContain('not-a-token-value');
  });
});
