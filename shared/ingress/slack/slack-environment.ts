import { secret, webUrl } from '#shared/ingress/environment-rules.ts';
import * as z from '#shared/util/zod-mini.ts';
import { unsetWhenEmpty } from '#shared/util/zod-preprocess.ts';

/** Slack's environment variables (docs/ingress/slack.md). */
export const slackEnvironmentShape = {
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
};
