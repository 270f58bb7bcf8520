/** What the Slack ingress needs. The secret is never logged. */
export interface SlackIngressSettings {
  readonly signingSecret: string;
  /** How far `X-Slack-Request-Timestamp` may be from now (Slack's own advice: 5 minutes). */
  readonly replayWindowSeconds: number;
}
