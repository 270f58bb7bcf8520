import { slackEnvironmentShape } from '#shared/ingress/slack/slack-environment.ts';
import deployment from '#shared/ingress/slack/source.deploy.json' with { type: 'json' };
import type { Source } from '#shared/ingress/source.ts';

/** Slack slash commands: the source's name on its requests, its kind, its deployment (source.deploy.json), its environment variables, and the answer in place of its requests. */
export const slackSource = {
  id: 'slack',
  kind: 'chat',
  deployment,
  environment: slackEnvironmentShape,
  answers: {
    notConfigured: 'Slack is not configured for notifications (SLACK_BOT_TOKEN or SLACK_WEBHOOK_URL)',
  },
} as const satisfies Source;
