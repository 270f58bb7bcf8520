import deployment from '#shared/ingress/slack/source.deploy.json' with { type: 'json' };
import type { Source } from '#shared/ingress/source.ts';

/** Slack slash commands: the source's name on its requests, its kind, and its deployment (source.deploy.json). */
export const slackSource = { id: 'slack', kind: 'chat', deployment } as const satisfies Source;
