import {
  type ApprovalDecisionKind,
  type Approver,
  approverLabel,
  identityOf,
  type RecordedDecision,
} from '#shared/domain/approval-record.ts';
import { mayApprove } from '#shared/domain/approval-rules.ts';
import type { Policy } from '#shared/domain/policy.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import type { RequestState } from '#shared/domain/request-state.ts';
import { ConcurrentUpdateError } from '#shared/errors.ts';
import { logger } from '#shared/logger.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { MessageQueue } from '#shared/ports/message-queue.ts';
import type { RequestStore } from '#shared/ports/request-store.ts';
import { approveRequest, denyRequest } from '#shared/transitions/approval-transitions.ts';
import { enqueuePendingNotifications, pendingNotification } from '#shared/use-cases/notification-outbox.ts';

export interface DecideApprovalDependencies {
  readonly store: RequestStore;
  readonly queue: MessageQueue;
  readonly clock: Clock;
  readonly policy: Policy;
  /** How long provisioning may take from the approval on (the create's fresh deadline). */
  readonly provisioningTimeoutMs: number;
}

export interface ApprovalCommand {
  readonly requestId: string;
  readonly decision: ApprovalDecisionKind;
  /** Who decides, as the ingress authenticated them (never as the request names them). */
  readonly approver: Approver;
  readonly reason?: string;
  /** Jira only: the account's groups and the status the ticket moved to (`approval.approvers`). */
  readonly jira?: { readonly groups?: readonly string[]; readonly transitionTo?: string };
}

/**
 * - `decided`: this decision won; approve → VALIDATED with the create queued, deny → REJECTED.
 * - `not-found`: no such request.
 * - `closed`: nothing waits for a decision any more (decided, expired, or never waited): `state`
 *   and, where one was made, the decision that stands.
 * - `refused`: this approver may not decide it (not an approver, or the requester: four eyes).
 */
export type ApprovalOutcome =
  | { readonly kind: 'decided'; readonly record: RequestRecord; readonly decision: RecordedDecision }
  | { readonly kind: 'not-found' }
  | {
      readonly kind: 'closed';
      readonly state: RequestState;
      readonly reason: string;
      readonly decision?: RecordedDecision;
    }
  | { readonly kind: 'refused'; readonly reason: string };

/** Reads and writes before a decision gives up on a record that keeps changing while it waits (503: retry). */
const DECISION_TRIES = 5;

const closed = (record: RequestRecord, reason: string): ApprovalOutcome => ({
  kind: 'closed',
  state: record.state,
  reason,
  ...(record.approval?.decision ? { decision: record.approval.decision } : {}),
});

const closedReason = (record: RequestRecord): string => {
  const decision = record.approval?.decision;
  if (decision) {
    const verb = decision.decision === 'approve' ? 'approved' : 'denied';
    return `already ${verb} by ${approverLabel(decision.by)} at ${decision.at}`;
  }
  if (record.state === 'EXPIRED') return `the approval window ended at ${record.approval?.expiresAt}`;
  return `the request is ${record.state}, not AWAITING_APPROVAL`;
};

/**
 * An approver's decision on a request that waits for one. The rules (`mayApprove`: an approver of
 * this primary, four eyes, inside the window) are checked on the record as read, then the decision
 * is ONE conditional write (state AWAITING_APPROVAL at the version read): of two decisions, or a
 * decision and the poller's expiry, exactly one write succeeds, and only an approval that won queues
 * the create. The decision (who, when, why) goes into the record's `approval` and its history.
 *
 * Nothing is checked again on approval (budgets, pre-checks): the approver approves what validate
 * found and showed them; the create's own checks (lease, Tencent) still apply.
 */
export const decideApproval = async (
  deps: DecideApprovalDependencies,
  command: ApprovalCommand,
): Promise<ApprovalOutcome> => {
  // A lost write is read again: a decision or the expiry that won closes it; a write that kept it
  // waiting (its awaiting-approval notification being delivered) is no reason to drop the decision.
  for (let tries = 0; tries < DECISION_TRIES; tries += 1) {
    const outcome = await tryDecision(deps, command);
    if (outcome !== 'lost') return outcome;
  }
  throw new ConcurrentUpdateError(command.requestId, `could not record the decision on ${command.requestId}`);
};

/** Reads, checks and writes once; `lost` when the conditional write lost to another writer. */
const tryDecision = async (
  deps: DecideApprovalDependencies,
  command: ApprovalCommand,
): Promise<ApprovalOutcome | 'lost'> => {
  const record = await deps.store.get(command.requestId);
  if (!record) return { kind: 'not-found' };
  const now = deps.clock.now();
  const approval = record.approval;
  if (record.state !== 'AWAITING_APPROVAL' || !approval) return closed(record, closedReason(record));
  if (Date.parse(approval.expiresAt) < now.getTime()) {
    return closed(record, `the approval window ended at ${approval.expiresAt}`);
  }
  const allowed = mayApprove(
    identityOf(command.approver, command.jira),
    { ...record, waitingSince: approval.requestedAt },
    deps.policy,
    now,
  );
  if (!allowed.allowed) return { kind: 'refused', reason: allowed.reason };

  const at = now.toISOString();
  const decision: RecordedDecision = {
    decision: command.decision,
    by: command.approver,
    at,
    ...(command.reason ? { reason: command.reason } : {}),
  };
  const verb = command.decision === 'approve' ? 'approved' : 'denied';
  const note = `${verb} by ${approverLabel(command.approver)}${command.reason ? `: ${command.reason}` : ''}`;
  const change = { requestId: record.requestId, expectedVersion: record.version, note, at };
  let decided: RequestRecord;
  try {
    decided =
      command.decision === 'approve'
        ? await approveRequest(deps.store, {
            ...change,
            set: {
              approval: { ...approval, decision },
              // The provisioning deadline starts now: the wait for approval does not eat into it.
              deadline: new Date(now.getTime() + deps.provisioningTimeoutMs).toISOString(),
              notification: pendingNotification('replica.approved'),
            },
          })
        : await denyRequest(deps.store, {
            ...change,
            set: {
              approval: { ...approval, decision },
              violations: [{ rule: 'approval.denied', message: note }],
              notification: pendingNotification('replica.denied'),
            },
          });
  } catch (error) {
    if (!(error instanceof ConcurrentUpdateError)) throw error;
    logger.info('approval: the record changed under the decision; reading it again', {
      requestId: command.requestId,
    });
    return 'lost';
  }
  if (command.decision === 'approve') await deps.queue.send('create', { requestId: decided.requestId });
  await enqueuePendingNotifications([decided], deps, at);
  logger.info(`approval: ${verb}`, {
    requestId: decided.requestId,
    approver: approverLabel(command.approver),
  });
  return { kind: 'decided', record: decided, decision };
};
