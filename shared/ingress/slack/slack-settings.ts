import type { EnvironmentOf } from '#shared/ingress/environment-rules.ts';
import type { slackEnvironmentShape } from '#shared/ingress/slack/slack-environment.ts';

/** What the Slack ingress needs. The secret is never logged. */
export interface SlackIngressSettings {
  readonly signingSecret: string;
  /** How far `X-Slack-Request-Timestamp` may be from now (Slack's own advice: 5 minutes). */
  readonly replayWindowSeconds: number;
}

/** The Slack ingress from its environment; without a signing secret, none (the route answers 401). */
export const slackIngressFrom = (
  env: EnvironmentOf<typeof slackEnvironmentShape>,
): SlackIngressSettings | undefined =>
  env.SLACK_SIGNING_SECRET
    ? { signingSecret: env.SLACK_SIGNING_SECRET, replayWindowSeconds: env.SLACK_REPLAY_WINDOW_SECONDS }
    : undefined;
