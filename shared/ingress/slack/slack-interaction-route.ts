import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  APPROVE_ACTION,
  DENY_ACTION,
  escapeMrkdwn,
  slackCompletionMessage,
} from '#shared/adapters/slack/slack-completion-message.ts';
import { isSlackResponseUrl, replaceOriginal } from '#shared/adapters/slack/slack-response-url.ts';
import { jsonResponse } from '#shared/http/http-response.ts';
import { header, readRawBody } from '#shared/http/request-body.ts';
import { parseBlockActions } from '#shared/ingress/slack/slack-interaction.ts';
import { verifySlackRequest } from '#shared/ingress/slack/slack-request.ts';
import type { SlackIngressSettings } from '#shared/ingress/slack/slack-settings.ts';
import { logger } from '#shared/logger.ts';
import { completionOf } from '#shared/use-cases/completion.ts';
import { type DecideApprovalDependencies, decideApproval } from '#shared/use-cases/decide-approval.ts';

export interface SlackInteractionDependencies extends DecideApprovalDependencies {
  /** Absent when `SLACK_SIGNING_SECRET` is not configured: every request is then refused. */
  readonly slack?: SlackIngressSettings;
  /** Local mode: the interaction's `response_url` may be any http(s) URL (else only hooks.slack.com). */
  readonly settings: { readonly localMode: boolean };
}

/** A block_actions payload carries the whole message it came from (blocks included): more than a command. */
export const SLACK_INTERACTION_BODY_LIMIT_BYTES = 128 * 1024;

const ACTIONS: Readonly<Record<string, 'approve' | 'deny'>> = {
  [APPROVE_ACTION]: 'approve',
  [DENY_ACTION]: 'deny',
};

/** A note only the clicker sees; the approval message stays as it was. */
const toClicker = (text: string) =>
  jsonResponse(200, { response_type: 'ephemeral', replace_original: false, text });

/**
 * `POST /v1/chatops/slack/interactions`: the Approve / Deny buttons of the approval message. Signed
 * like slash commands (checked over the exact bytes before anything is decoded). The clicker is the
 * approver (`user.id`), checked against `approval.approvers.slackUsers` and four eyes; the decision
 * is `decideApproval`'s one conditional write. The message is replaced with the decision and who made
 * it (posted to the interaction's `response_url`, and in the answer); a click that may not decide, or comes too late, is answered to the clicker alone.
 */
export const slackInteractionRoute =
  (deps: SlackInteractionDependencies) =>
  async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const rawBody = readRawBody(event, SLACK_INTERACTION_BODY_LIMIT_BYTES);
    verifySlackRequest(event, rawBody, deps.slack, deps.clock.now(), 'interaction');
    const interaction = parseBlockActions(header(event, 'content-type'), rawBody);
    const action = interaction.actions[0];
    const decision = action ? ACTIONS[action.action_id] : undefined;
    const requestId = action?.value ?? '';
    if (!decision || !/^r-[a-z0-9]{16}$/.test(requestId)) {
      return toClicker(`replica-flow does not handle the button ${escapeMrkdwn(action?.action_id ?? '')}.`);
    }
    const outcome = await decideApproval(deps, {
      requestId,
      decision,
      approver: { source: 'slack', id: interaction.user.id },
    });
    if (outcome.kind === 'not-found') return toClicker(`No replica request \`${requestId}\`.`);
    if (outcome.kind === 'refused') {
      return toClicker(`You may not decide \`${requestId}\`: ${escapeMrkdwn(outcome.reason)}.`);
    }
    if (outcome.kind === 'closed') {
      return toClicker(`\`${requestId}\` awaits no decision: ${escapeMrkdwn(outcome.reason)}.`);
    }
    const type = decision === 'approve' ? 'replica.approved' : 'replica.denied';
    const message = slackCompletionMessage(completionOf(outcome.record, type));
    // Slack updates a Block Kit message through its response_url; the answer carries it too.
    const responseUrl = interaction.response_url;
    if (responseUrl && isSlackResponseUrl(responseUrl, deps.settings.localMode)) {
      const replaced = await replaceOriginal(responseUrl, message);
      logger.info('slack: approval message replaced', {
        requestId,
        ok: replaced.ok,
        status: replaced.status,
      });
    }
    return jsonResponse(200, { replace_original: true, ...message });
  };
