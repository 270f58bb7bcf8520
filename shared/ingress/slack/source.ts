import { slackEnvironmentShape } from '#shared/ingress/slack/slack-environment.ts';
import deployment from '#shared/ingress/slack/source.deploy.json' with { type: 'json' };
import type { Source } from '#shared/ingress/source.ts';

/** Slack slash commands: the source's name on its requests, its kind, its deployment and its environment variables (source.deploy.json). */
export const slackSource = {
  id: 'slack',
  kind: 'chat',
  deployment,
  environment: slackEnvironmentShape,
} as const satisfies Source;
