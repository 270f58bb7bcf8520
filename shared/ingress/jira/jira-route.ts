import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ValidationError } from '#shared/errors.ts';
import { badRequest, unauthorized } from '#shared/http/http-error.ts';
import { jsonResponse } from '#shared/http/http-response.ts';
import { header, parseJsonBody, readRawBody } from '#shared/http/request-body.ts';
import { approveByTransition } from '#shared/ingress/jira/jira-approval.ts';
import { jiraReplicaRequest } from '#shared/ingress/jira/jira-replica-request.ts';
import type { JiraIngressSettings } from '#shared/ingress/jira/jira-settings.ts';
import { verifyJiraSignature } from '#shared/ingress/jira/jira-signature.ts';
import { triggerOf } from '#shared/ingress/jira/jira-trigger.ts';
import { type JiraWebhook, parseJiraWebhook } from '#shared/ingress/jira/jira-webhook-payload.ts';
import { RecentDeliveries } from '#shared/ingress/jira/recent-deliveries.ts';
import { submitTicket } from '#shared/ingress/jira/submit-ticket.ts';
import { logger } from '#shared/logger.ts';
import type { SourceNotifiers } from '#shared/ports/source-notifier.ts';
import type { DecideApprovalDependencies } from '#shared/use-cases/decide-approval.ts';
import type { SubmitDependencies } from '#shared/use-cases/submit-request.ts';

export interface JiraRouteDependencies extends SubmitDependencies {
  /** With them, a ticket moved while its request waits for approval decides it (`jira-approval.ts`). */
  readonly approvals?: DecideApprovalDependencies;
  /** Absent when `JIRA_WEBHOOK_SECRET` is not configured: every request is then refused. */
  readonly jira?: JiraIngressSettings;
  /** With a Jira commenter, a ticket that cannot be read is told so at once (best effort). */
  readonly sourceNotifiers?: SourceNotifiers;
}

/** Issue payloads carry every field (comments and long descriptions included). */
export const JIRA_BODY_LIMIT_BYTES = 1024 * 1024;

type Answer = { readonly statusCode: number; readonly body: Record<string, unknown> };

/**
 * `POST /v1/tickets/jira`: Jira admin webhooks (`X-Hub-Signature`). A ticket of a configured project
 * and issue type, created in or moved into the trigger status, becomes a request keyed by its issue
 * key; anything else is acknowledged and ignored (200), so Jira does not retry it.
 */
export const jiraRoute = (deps: JiraRouteDependencies) => {
  const recent = new RecentDeliveries<Answer>();
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const rawBody = readRawBody(event, JIRA_BODY_LIMIT_BYTES);
    const settings = deps.jira;
    if (!settings) {
      logger.warn('jira: request refused', { reason: 'JIRA_WEBHOOK_SECRET is not configured' });
      throw unauthorized();
    }
    verifyJiraSignature(rawBody, header(event, 'x-hub-signature'), settings.webhookSecret);
    const deliveryId = header(event, 'x-atlassian-webhook-identifier')?.slice(0, 128);
    const repeated = recent.get(deliveryId);
    if (repeated) return jsonResponse(repeated.statusCode, { ...repeated.body, repeatedDelivery: true });
    const webhook = parseJiraWebhook(parseJsonBody(event, JIRA_BODY_LIMIT_BYTES));
    const answer = await answerWebhook(webhook, settings, deps);
    // A 5xx is delivered again by Jira, and must then be worked out again, not repeated.
    if (answer.statusCode < 500) recent.remember(deliveryId, answer);
    return jsonResponse(answer.statusCode, answer.body);
  };
};

const answerWebhook = async (
  webhook: JiraWebhook,
  settings: JiraIngressSettings,
  deps: JiraRouteDependencies,
): Promise<Answer> => {
  if (deps.approvals) {
    const approval = await approveByTransition(webhook, {
      ...deps.approvals,
      ...(settings.directory ? { directory: settings.directory } : {}),
    });
    if (approval.handled) {
      const { outcome, requestId } = approval;
      logger.info('jira: ticket moved while its request awaits approval', {
        requestId,
        outcome: outcome.kind,
      });
      if (outcome.kind === 'unverified') {
        // Nothing was decided; a 503 has Jira deliver the move again (it retries 5xx for up to 30 min).
        return { statusCode: 503, body: { requestId, approval: outcome.kind, reason: outcome.reason } };
      }
      // Always 200: Jira retries anything else, and a refused or late move stays refused or late.
      return {
        statusCode: 200,
        body: {
          requestId,
          approval: outcome.kind,
          ...(outcome.kind === 'decided' ? { state: outcome.record.state } : {}),
          ...(outcome.kind === 'refused' || outcome.kind === 'closed' ? { reason: outcome.reason } : {}),
        },
      };
    }
  }
  const verdict = triggerOf(webhook, settings);
  if (!verdict.trigger) return { statusCode: 200, body: { ignored: true, reason: verdict.reason } };
  const { issue } = verdict;
  let request: ReturnType<typeof jiraReplicaRequest>;
  try {
    request = jiraReplicaRequest(webhook, issue, settings.fieldMap);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    await tellTicket(issue.key, error, deps);
    throw badRequest(
      `Ticket ${issue.key}: ${error.issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
      error.issues,
    );
  }
  const { record, replayed, duplicate } = await submitTicket(request, deps);
  logger.info('jira: ticket recorded', {
    requestId: record.requestId,
    issueKey: issue.key,
    replayed,
    duplicate,
  });
  return {
    statusCode: duplicate || replayed ? 200 : 202,
    body: { requestId: record.requestId, state: record.state, replayed, ...(duplicate ? { duplicate } : {}) },
  };
};

/** Best effort: the answer to Jira is the 400 either way; the reporter learns what to fix from the comment. */
const tellTicket = async (issueKey: string, error: ValidationError, deps: JiraRouteDependencies) => {
  const commenter = deps.sourceNotifiers?.jira;
  if (!commenter) return;
  const result = await commenter.rejectTicket(issueKey, error.issues);
  logger.info('jira: told the ticket it could not be read', {
    issueKey,
    ok: result.ok,
    status: result.status,
  });
};
