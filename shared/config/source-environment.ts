import * as z from 'zod';

/** Empty means unset (a blank `KEY=` line in an env file, or an unset CloudFormation parameter). */
const unsetIfEmpty = (value: unknown): unknown => (value === '' ? undefined : value);
const optionalText = z.preprocess(unsetIfEmpty, z.string().min(1).optional());
/** A secret: the message never repeats the value. */
const secret = (min: number) =>
  z.preprocess(unsetIfEmpty, z.string().min(min, `must be at least ${min} characters`).optional());
const list = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );

/**
 * The Slack and Jira ingresses' environment variables, merged into the runtime schema
 * (`runtime-config.ts`). The secrets among them (`SLACK_SIGNING_SECRET`, `SLACK_BOT_TOKEN`,
 * `SLACK_WEBHOOK_URL`, `JIRA_WEBHOOK_SECRET`, `JIRA_API_TOKEN`) may come from SSM Parameter Store
 * instead (`<VARIABLE>_PARAMETER`, see `secrets.ts`). Documented in docs/ingress/slack.md and jira.md.
 */
export const sourceEnvironmentShape = {
  /** The Slack app's signing secret (Basic Information → App Credentials). */
  SLACK_SIGNING_SECRET: secret(16),
  /** `xoxb-…`: completions go to the command's channel with `chat.postMessage`. */
  SLACK_BOT_TOKEN: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .regex(/^xox[a-z]-[A-Za-z0-9-]+$/, 'must be a Slack token like xoxb-…')
      .optional(),
  ),
  /** An incoming webhook URL (one fixed channel), used when there is no bot token. A secret too. */
  SLACK_WEBHOOK_URL: z.preprocess(unsetIfEmpty, z.url({ protocol: /^https?$/ }).optional()),
  SLACK_API_URL: z.preprocess(unsetIfEmpty, z.url({ protocol: /^https?$/ }).default('https://slack.com/api')),
  /** How far Slack's signed `X-Slack-Request-Timestamp` may be from now. */
  SLACK_REPLAY_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
  /** The secret of the Jira admin webhook (`X-Hub-Signature: sha256=…`). */
  JIRA_WEBHOOK_SECRET: secret(16),
  /** `https://your-site.atlassian.net`: where completion comments go (never taken from a payload). */
  JIRA_BASE_URL: z.preprocess(unsetIfEmpty, z.url({ protocol: /^https?$/ }).optional()),
  /** Jira Cloud: the e-mail of the API token's account (Basic auth). Without it the token is a Bearer PAT. */
  JIRA_EMAIL: optionalText,
  JIRA_API_TOKEN: secret(1),
  /** Project keys whose tickets become requests (required with JIRA_WEBHOOK_SECRET). */
  JIRA_PROJECTS: list,
  /** Issue type names that become requests; empty: any type in those projects. */
  JIRA_ISSUE_TYPES: list,
  /** A ticket becomes a request when created in, or moved into, this status; unset: when created. */
  JIRA_TRIGGER_STATUS: optionalText,
  /** JSON: request field → Jira field id, e.g. `{"MasterDBInstanceId":"customfield_10050"}`. */
  JIRA_FIELD_MAP: z.preprocess(unsetIfEmpty, z.string().default('{}')),
};

export const sourceEnvironmentSchema = z.object(sourceEnvironmentShape);
export type SourceEnvironment = z.infer<typeof sourceEnvironmentSchema>;
