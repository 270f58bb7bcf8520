import { approvalFor } from '#shared/domain/approval-rules.ts';
import { requestIdFor } from '#shared/domain/idempotency.ts';
import { idempotencyScopeOf } from '#shared/domain/idempotency-scope.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import { ValidationError } from '#shared/errors.ts';
import { jiraIdempotencyKey, jiraRequester } from '#shared/ingress/jira/jira-replica-request.ts';
import type { JiraWebhook } from '#shared/ingress/jira/jira-webhook-payload.ts';
import { logger } from '#shared/logger.ts';
import type { JiraDirectory } from '#shared/ports/jira-directory.ts';
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

/**
 * What a move that may be an approval came to: `decideApproval`'s outcome, or `unverified` — the
 * mover's groups could not be read, so nothing was decided (the request keeps waiting; Jira delivers
 * the webhook again on a 5xx answer, and any later move is checked afresh).
 */
export type JiraApprovalOutcome = ApprovalOutcome | { readonly kind: 'unverified'; readonly reason: string };

export type JiraApprovalAnswer =
  | { readonly handled: false }
  | { readonly handled: true; readonly requestId: string; readonly outcome: JiraApprovalOutcome };

export interface JiraApprovalDependencies extends DecideApprovalDependencies {
  /** Where the mover's groups are read, for `approval.approvers.jiraGroups` (JIRA_BASE_URL + JIRA_API_TOKEN). */
  readonly directory?: JiraDirectory;
}

/**
 * The mover's groups (names and groupIds), where the decision depends on them: the approval names
 * `jiraGroups`, and the move is one that could approve (into `jiraApprovalStatus`, where one is
 * named). `undefined`: not needed; `{reason}`: needed and not known.
 */
const moverGroups = async (
  waiting: RequestRecord,
  status: string,
  mover: string,
  deps: JiraApprovalDependencies,
): Promise<readonly string[] | { readonly reason: string } | undefined> => {
  const approvers = approvalFor(
    deps.policy,
    waiting.plan?.MasterDBInstanceId ?? waiting.request.MasterDBInstanceId,
  )?.approvers;
  if (!approvers?.jiraGroups?.length) return undefined;
  if (approvers.jiraApprovalStatus !== undefined && approvers.jiraApprovalStatus !== status) return undefined;
  if (!deps.directory) {
    return {
      reason:
        "approval.approvers.jiraGroups needs JIRA_BASE_URL and JIRA_API_TOKEN in the ingest function: the mover's groups cannot be read",
    };
  }
  const lookup = await deps.directory.groupsOf(mover);
  if (!lookup.ok) return { reason: lookup.error };
  return lookup.groups.flatMap((group) => (group.groupId ? [group.name, group.groupId] : [group.name]));
};

/**
 * A ticket moved into another status while its request waits for approval: the move is the approver's
 * decision (`approval.approvers.jiraApprovalStatus` says which move, `jiraGroups` who may make it; the
 * mover's groups read from Jira only when they decide it), checked by `decideApproval` like any other,
 * the mover (`user`, never the reporter) as the approver. A group lookup that fails decides nothing:
 * never an approval on a failure. Any other webhook is not an approval and goes on to the trigger rules.
 */
export const approveByTransition = async (
  webhook: JiraWebhook,
  deps: JiraApprovalDependencies,
): Promise<JiraApprovalAnswer> => {
  const status = webhook.webhookEvent === 'jira:issue_updated' ? movedInto(webhook) : undefined;
  const mover = webhook.user?.accountId ?? webhook.user?.key ?? webhook.user?.name;
  if (!status || !mover) return { handled: false };
  const waiting = await waitingRequestOf(webhook, deps.store);
  if (!waiting) return { handled: false };
  const groups = await moverGroups(waiting, status, mover, deps);
  if (groups !== undefined && 'reason' in groups) {
    logger.warn("jira: the move was not taken as a decision: the mover's groups are not known", {
      requestId: waiting.requestId,
      reason: groups.reason,
    });
    return {
      handled: true,
      requestId: waiting.requestId,
      outcome: { kind: 'unverified', reason: groups.reason },
    };
  }
  const outcome = await decideApproval(deps, {
    requestId: waiting.requestId,
    decision: 'approve',
    approver: { source: 'jira', id: mover },
    reason: `ticket moved to ${status}`,
    jira: { transitionTo: status, ...(groups ? { groups } : {}) },
  });
  return { handled: true, requestId: waiting.requestId, outcome };
};
