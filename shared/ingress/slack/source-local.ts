/** The local stack's Slack app: the signing secret, and where completions go (a stub in tests). */
export interface LocalSlackOptions {
  readonly signingSecret: string;
  readonly botToken?: string;
  readonly webhookUrl?: string;
  /** `chat.postMessage` base URL, e.g. a stub's `http://127.0.0.1:PORT/api`. */
  readonly apiUrl?: string;
  readonly replayWindowSeconds?: number;
}

/** Slack in the local stack, loaded by `local/` only: its options (`startLocalStack({ slack })`) as the variables it reads in AWS. */
export const slackLocal = {
  id: 'slack',
  variables: (slack: LocalSlackOptions): Record<string, string | undefined> => ({
    SLACK_SIGNING_SECRET: slack.signingSecret,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_WEBHOOK_URL: slack.webhookUrl,
    SLACK_API_URL: slack.apiUrl,
    SLACK_REPLAY_WINDOW_SECONDS: slack.replayWindowSeconds?.toString(),
  }),
} as const;
