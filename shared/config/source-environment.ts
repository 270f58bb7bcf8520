import * as z from '#shared/util/zod-mini.ts';
import { unsetWhenEmpty } from '#shared/util/zod-preprocess.ts';

const optionalText = unsetWhenEmpty(z.optional(z.string().check(z.minLength(1))));
/** A secret: the message never repeats the value. */
const secret = (min: number) =>
  unsetWhenEmpty(z.optional(z.string().check(z.minLength(min, `must be at least ${min} characters`))));
/** An http(s) URL (unlike `z.httpUrl()`, any host). */
const webUrl = () => z.url({ protocol: /^https?$/ });
const list = z.pipe(
  z._default(z.string(), ''),
  z.transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  ),
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
  SLACK_BOT_TOKEN: unsetWhenEmpty(
    z.optional(z.string().check(z.regex(/^xox[a-z]-[A-Za-z0-9-]+$/, 'must be a Slack token like xoxb-…'))),
  ),
  /** An incoming webhook URL (one fixed channel), used when there is no bot token. A secret too. */
  SLACK_WEBHOOK_URL: unsetWhenEmpty(z.optional(webUrl())),
  SLACK_API_URL: unsetWhenEmpty(z._default(webUrl(), 'https://slack.com/api')),
  /** How far Slack's signed `X-Slack-Request-Timestamp` may be from now. */
  SLACK_REPLAY_WINDOW_SECONDS: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(3600)), 300),
  /** The secret of the Jira admin webhook (`X-Hub-Signature: sha256=…`). */
  JIRA_WEBHOOK_SECRET: secret(16),
  /** `https://your-site.atlassian.net`: where completion comments go (never taken from a payload). */
  JIRA_BASE_URL: unsetWhenEmpty(z.optional(webUrl())),
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
  JIRA_FIELD_MAP: unsetWhenEmpty(z._default(z.string(), '{}')),
};

export const sourceEnvironmentSchema = z.object(sourceEnvironmentShape);
export type SourceEnvironment = z.infer<typeof sourceEnvironmentSchema>;
