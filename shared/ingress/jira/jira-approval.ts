import { requestIdFor } from '#shared/domain/idempotency.ts';
import { idempotencyScopeOf } from '#shared/domain/idempotency-scope.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import { ValidationError } from '#shared/errors.ts';
import { jiraIdempotencyKey, jiraRequester } from '#shared/ingress/jira/jira-replica-request.ts';
import type { JiraWebhook } from '#shared/ingress/jira/jira-webhook-payload.ts';
import type { RequestStore } from '#shared/ports/request-store.ts';
import {
  type ApprovalOutcome,
  type DecideApprovalDependencies,
  decideApproval,
} from '#shared/use-cases/decide-approval.ts';

/** As many revision keys as `submitTicket` takes (`jira:OPS-1`, `jira:OPS-1#2`, …). */
const MAX_REVISIONS = 10;

/** The status an update moved the ticket into, if it moved it. */
const movedInto = (webhook: JiraWebhook): string | undefined =>
  (webhook.changelog?.items ?? []).find((item) => (item.fieldId ?? item.field).toLowerCase() === 'status')
    ?.toString ?? undefined;

/** The ticket's request that waits for approval, if one does (every revision key of the ticket is read). */
const waitingRequestOf = async (
  webhook: JiraWebhook,
  store: Pick<RequestStore, 'get'>,
): Promise<RequestRecord | undefined> => {
  const { issue } = webhook;
  if (!issue) return undefined;
  let scope: string;
  try {
    scope = idempotencyScopeOf(jiraRequester(webhook, issue));
  } catch (error) {
    if (error instanceof ValidationError) return undefined;
    throw error;
  }
  for (let revision = 1; revision <= MAX_REVISIONS; revision += 1) {
    const key = revision === 1 ? jiraIdempotencyKey(issue) : `${jiraIdempotencyKey(issue)}#${revision}`;
    const record = await store.get(requestIdFor(scope, key));
    if (!record) return undefined;
    if (record.state === 'AWAITING_APPROVAL') return record;
  }
  return undefined;
};

export type JiraApprovalAnswer =
  | { readonly handled: false }
  | { readonly handled: true; readonly requestId: string; readonly outcome: ApprovalOutcome };

/**
 * A ticket moved into another status while its request waits for approval: the move is the approver's
 * decision (`approval.approvers.jiraApprovalStatus`, or the mover in `jiraGroups`), checked by
 * `decideApproval` like any other, the mover (`user`, never the reporter) as the approver. Any other
 * webhook is not an approval and goes on to the trigger rules.
 */
export const approveByTransition = async (
  webhook: JiraWebhook,
  deps: DecideApprovalDependencies,
): Promise<JiraApprovalAnswer> => {
  const status = webhook.webhookEvent === 'jira:issue_updated' ? movedInto(webhook) : undefined;
  const mover = webhook.user?.accountId ?? webhook.user?.key ?? webhook.user?.name;
  if (!status || !mover) return { handled: false };
  const waiting = await waitingRequestOf(webhook, deps.store);
  if (!waiting) return { handled: false };
  const outcome = await decideApproval(deps, {
    requestId: waiting.requestId,
    decision: 'approve',
    approver: { source: 'jira', id: mover },
    reason: `ticket moved to ${status}`,
    jira: { transitionTo: status },
  });
  return { handled: true, requestId: waiting.requestId, outcome };
};
