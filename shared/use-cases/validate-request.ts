import { approvalAnnouncement } from '#shared/domain/approval-announcement.ts';
import type { ApprovalRecord } from '#shared/domain/approval-record.ts';
import { type ApprovalReason, approvalFor } from '#shared/domain/approval-rules.ts';
import { checkCallbackUrl } from '#shared/domain/callback-url.ts';
import type { PlanPrice } from '#shared/domain/plan-price.ts';
import { findPrimaryPolicy, maxReplicasFor, type Policy, resolvePlan } from '#shared/domain/policy.ts';
import { DEFAULT_APPROVAL_EXPIRY_SECONDS } from '#shared/domain/policy-budget-schema.ts';
import { fleetPolicyOf } from '#shared/domain/policy-fleet.ts';
import { type RequestFleet, requestFleetOf } from '#shared/domain/request-fleet.ts';
import type { ReplicaPlan, RequestRecord, RuleViolation } from '#shared/domain/request-record.ts';
import { logger } from '#shared/logger.ts';
import {
  awaitApproval,
  endDryRun,
  markValidated,
  rejectRequest,
} from '#shared/transitions/validate-transitions.ts';
import { judgeBudgets } from '#shared/use-cases/budget-judgement.ts';
import { holdingBudgetLock } from '#shared/use-cases/budget-lock.ts';
import { enqueuePendingNotifications, pendingNotification } from '#shared/use-cases/notification-outbox.ts';
import { gateScaleOut } from '#shared/use-cases/scale-out-gate.ts';
import { precheckAgainstTencent } from '#shared/use-cases/tencent-prechecks.ts';
import type { ValidateDependencies, ValidateOutcome } from '#shared/use-cases/validate-dependencies.ts';
import { validateRemoval } from '#shared/use-cases/validate-removal.ts';

export type { ValidateDependencies, ValidateOutcome } from '#shared/use-cases/validate-dependencies.ts';

/**
 * RECEIVED → VALIDATED (and on to the create queue), REJECTED with every failed rule, DRY_RUN
 * with the plan that would be sent, AWAITING_APPROVAL when the policy's `approval` asks for an
 * approver (nothing is queued: the decision does), or (alert sources only) SUPPRESSED by the scale-out gate. Redeliveries of a request past RECEIVED are skipped.
 */
export const validateRequest = async (
  requestId: string,
  deps: ValidateDependencies,
): Promise<ValidateOutcome> => {
  const record = await deps.store.get(requestId);
  if (!record) {
    logger.warn('validate: no such request; dropping the message', { requestId });
    return 'skipped';
  }
  if (record.state !== 'RECEIVED') {
    if (record.state === 'VALIDATED') await deps.queue.send('create', { requestId });
    return 'skipped';
  }
  // Removals (`kind: 'removal'`) have checks of their own: validate-removal.ts.
  if (record.kind === 'removal') return validateRemoval(record, deps);
  // Alert-driven requests first pass the scale-out gate (enabled, maximum, cooldown): SUPPRESSED otherwise.
  if ((await gateScaleOut(record, deps)) === 'suppressed') return 'suppressed';
  const checked = await checkRequest(record, deps);
  // A plan that counts once written (not a dry run, nothing refused it yet) is judged against the
  // budgets and written holding the `budget-check` lease: no two validations judge the same fleet.
  if (deps.policy.budgets && !record.request.dryRun && checked.plan && checked.violations.length === 0)
    return holdingBudgetLock(deps, (leaseEnds) => judgeAndRecord(record, checked, deps, leaseEnds));
  return judgeAndRecord(record, checked, deps);
};

/**
 * Applies the budgets and approval to a checked plan and writes the outcome. With `leaseEnds`
 * (the budget lease), nothing is written once the lease has passed: 'retry' instead.
 */
const judgeAndRecord = async (
  record: RequestRecord,
  checked: CheckedRequest,
  deps: ValidateDependencies,
  leaseEnds?: Date,
): Promise<ValidateOutcome> => {
  const { requestId } = record;
  // Budgets and approval judge only a plan that passed everything else and that Tencent priced.
  const budgets =
    checked.plan && checked.price && checked.violations.length === 0
      ? await judgeBudgets(record, checked.plan, checked.price, deps)
      : undefined;
  const { plan, price } = checked;
  const violations = [...checked.violations, ...(budgets?.violations ?? [])];
  if (leaseEnds && deps.clock.now().getTime() >= leaseEnds.getTime()) {
    logger.warn('budgets: the budget lease ran out before the write; retrying through the queue', {
      requestId,
    });
    return 'retry';
  }
  const budgetCheck = budgets ? { budgetCheck: budgets.check } : {};
  const fleet = plan ? fleetOf(deps.policy, plan.MasterDBInstanceId) : undefined;
  const fleetField = fleet ? { fleet } : {};
  const at = deps.clock.now().toISOString();
  if (violations.length > 0 || !plan) {
    const rejected = await rejectRequest(deps.store, {
      requestId,
      expectedVersion: record.version,
      set: {
        violations,
        ...(plan ? { plan } : {}),
        ...(price ? { price } : {}),
        ...budgetCheck,
        notification: pendingNotification('replica.rejected'),
      },
      note: violations.map((violation) => violation.rule).join(', '),
      at,
    });
    await enqueuePendingNotifications([rejected], deps, at);
    return 'rejected';
  }
  if (record.request.dryRun) {
    const dryRun = await endDryRun(deps.store, {
      requestId,
      expectedVersion: record.version,
      set: {
        plan,
        ...(price ? { price } : {}),
        ...budgetCheck,
        notification: pendingNotification('replica.dry_run'),
      },
      note: 'pre-checks passed; nothing created',
      at,
    });
    await enqueuePendingNotifications([dryRun], deps, at);
    return 'dry-run';
  }
  if (budgets && budgets.approvalReasons.length > 0) {
    // Stops before the create: an approver's decision (decide-approval.ts) queues it, or the poller expires it.
    const approval = approvalRequest(record, plan, budgets.approvalReasons, deps);
    const waiting = await awaitApproval(deps.store, {
      requestId,
      expectedVersion: record.version,
      set: {
        plan,
        ...(price ? { price } : {}),
        ...budgetCheck,
        ...fleetField,
        approval,
        notification: pendingNotification('replica.awaiting_approval'),
      },
      note: `awaiting approval until ${approval.expiresAt}: ${budgets.approvalReasons.map((reason) => reason.message).join('; ')}`,
      at,
    });
    await enqueuePendingNotifications([waiting], deps, at);
    return 'awaiting-approval';
  }
  const deadline = new Date(deps.clock.now().getTime() + deps.provisioningTimeoutMs).toISOString();
  await markValidated(deps.store, {
    requestId,
    expectedVersion: record.version,
    set: { plan, ...(price ? { price } : {}), ...budgetCheck, ...fleetField, deadline },
    at,
  });
  await deps.queue.send('create', { requestId });
  return 'validated';
};

/** The primary's fallback list and read-only group, copied onto the record for the create (request-fleet.ts). */
const fleetOf = (policy: Policy, primaryId: string): RequestFleet | undefined =>
  requestFleetOf(fleetPolicyOf(findPrimaryPolicy(policy, primaryId)?.entry));

/**
 * The approval step as it starts: why, who asked, until when (now + `approval.expiresAfterSeconds`),
 * and where it is announced besides its source (`approval-announcement.ts`), fixed from now on.
 */
const approvalRequest = (
  record: RequestRecord,
  plan: ReplicaPlan,
  reasons: readonly ApprovalReason[],
  deps: Pick<ValidateDependencies, 'clock' | 'policy'>,
): ApprovalRecord => {
  const now = deps.clock.now();
  const approval = approvalFor(deps.policy, plan.MasterDBInstanceId);
  const seconds = approval?.expiresAfterSeconds ?? DEFAULT_APPROVAL_EXPIRY_SECONDS;
  const announceIn = approvalAnnouncement(record.requester, approval);
  return {
    reasons,
    requester: record.requester,
    requestedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + seconds * 1000).toISOString(),
    ...(announceIn ? { announceIn } : {}),
  };
};

interface CheckedRequest {
  readonly plan?: ReplicaPlan;
  readonly price?: PlanPrice;
  /** Every rule the plan failed before budgets: callback URL, policy, Tencent pre-checks. */
  readonly violations: RuleViolation[];
}

const checkRequest = async (record: RequestRecord, deps: ValidateDependencies): Promise<CheckedRequest> => {
  const violations: RuleViolation[] = [];
  const callbackUrl = record.request.callback?.url;
  if (callbackUrl) {
    const verdict = checkCallbackUrl(callbackUrl, deps.callbackRules);
    if (!verdict.ok)
      violations.push({ rule: 'callback.url', field: 'callback.url', message: verdict.reason });
  }
  const resolved = resolvePlan(record.request, deps.policy);
  violations.push(...resolved.violations);
  if (!resolved.plan || violations.length > 0)
    return { ...(resolved.plan ? { plan: resolved.plan } : {}), violations };
  const prechecks = await precheckAgainstTencent(resolved.plan, {
    tencent: deps.tencent,
    maxReplicasPerPrimary: maxReplicasFor(deps.policy, resolved.plan.MasterDBInstanceId),
  });
  // Budgets need a price: a plan Tencent did not price is refused by the pre-checks' violations.
  return {
    plan: resolved.plan,
    ...(prechecks.price ? { price: prechecks.price } : {}),
    violations: [...violations, ...prechecks.violations],
  };
};
