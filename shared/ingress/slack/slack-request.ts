import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { unauthorized } from '#shared/http/http-error.ts';
import { header } from '#shared/http/request-body.ts';
import type { SlackIngressSettings } from '#shared/ingress/slack/slack-settings.ts';
import { verifySlackSignature } from '#shared/ingress/slack/slack-signature.ts';
import { logger } from '#shared/logger.ts';

/**
 * Every Slack route's gate, before anything is decoded: Slack is configured (else 401, logged as
 * `slack: <what> refused`), and the signature and timestamp of the exact bytes are Slack's.
 */
export const verifySlackRequest = (
  event: APIGatewayProxyEventV2,
  rawBody: Buffer,
  slack: SlackIngressSettings | undefined,
  now: Date,
  what: 'request' | 'interaction',
): void => {
  if (!slack) {
    logger.warn(`slack: ${what} refused`, { reason: 'SLACK_SIGNING_SECRET is not configured' });
    throw unauthorized();
  }
  verifySlackSignature(
    {
      rawBody,
      timestamp: header(event, 'x-slack-request-timestamp'),
      signature: header(event, 'x-slack-signature'),
    },
    slack.signingSecret,
    now,
    slack.replayWindowSeconds,
  );
};
