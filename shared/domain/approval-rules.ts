import type { BudgetVerdict } from '#shared/domain/budget.ts';
import { monthlyCostMinor } from '#shared/domain/budget.ts';
import type { PlanPrice } from '#shared/domain/plan-price.ts';
import { formatMinorUnits } from '#shared/domain/plan-price.ts';
import type { Approval, ApprovalCondition, OnExceeded } from '#shared/domain/policy-budget-schema.ts';
import { findPrimaryPolicy } from '#shared/domain/policy-evaluation.ts';
import type { Policy } from '#shared/domain/policy-schema.ts';
import type { Requester } from '#shared/domain/replica-request.ts';

/**
 * The approval rules, pure: whether a plan must wait for a second person (`needsApproval`), and
 * whether someone may give that approval (`mayApprove`). The state that waits, and the routes
 * that approve, are built elsewhere; these are the decisions they ask.
 */

/** The `approval` in force for a primary: its own entry's, else the top-level one. */
export const approvalFor = (policy: Policy, primaryId: string): Approval | undefined =>
  findPrimaryPolicy(policy, primaryId)?.entry.approval ?? policy.approval;

/**
 * What a passed budget without an `onExceeded` of its own (nor a `budgets.onExceeded`) does for this
 * primary: wait for approval when `approval.when` lists `overBudget`, else be refused.
 */
export const fallbackOnExceeded = (policy: Policy, primaryId: string): OnExceeded =>
  approvalFor(policy, primaryId)?.when.includes('overBudget') ? 'approval' : 'reject';

/** Why a request waits: the condition of `approval.when` that holds, and a sentence for people. */
export interface ApprovalReason {
  readonly condition: 'always' | 'prepaid' | 'overBudget' | 'aboveMonthlyPrice';
  readonly message: string;
}

const conditionName = (condition: ApprovalCondition): ApprovalReason['condition'] =>
  typeof condition === 'string' ? condition : 'aboveMonthlyPrice';

/**
 * Every reason the plan must be approved before it is created (none: it need not be). `overBudget`
 * is decided by the budget verdict: a passed budget whose `onExceeded` is (or, by `approval.when:
 * [overBudget]`, defaults to) `approval` waits; one that says `reject` is refused, never approved.
 */
export const needsApproval = (
  plan: { readonly MasterDBInstanceId: string; readonly InstanceChargeType: string },
  price: PlanPrice | undefined,
  budgetVerdict: BudgetVerdict | undefined,
  policy: Policy,
): ApprovalReason[] => {
  const approval = approvalFor(policy, plan.MasterDBInstanceId);
  const reasons: ApprovalReason[] = [];
  for (const condition of approval?.when ?? []) {
    const name = conditionName(condition);
    if (name === 'overBudget') continue; // below, from the verdict
    if (name === 'always') {
      reasons.push({ condition: name, message: 'the policy asks approval for every request' });
    } else if (name === 'prepaid' && plan.InstanceChargeType === 'PREPAID') {
      reasons.push({
        condition: name,
        message: 'a PREPAID (monthly, not refundable by the hour) replica needs approval',
      });
    } else if (typeof condition === 'object' && price !== undefined) {
      const monthly = monthlyCostMinor(price);
      if (monthly > condition.aboveMonthlyPrice) {
        reasons.push({
          condition: name,
          message: `the plan costs ${price.currency} ${formatMinorUnits(monthly)} a month, above ${price.currency} ${formatMinorUnits(condition.aboveMonthlyPrice)}`,
        });
      }
    }
  }
  if (budgetVerdict?.kind === 'exceeded' && budgetVerdict.onExceeded === 'approval') {
    for (const use of budgetVerdict.exceeded) {
      reasons.push({
        condition: 'overBudget',
        message: `${use.budget} would reach ${use.currency} ${formatMinorUnits(use.afterMinor)}, above its monthly ceiling of ${use.currency} ${formatMinorUnits(use.ceilingMinor)}`,
      });
    }
  }
  return reasons;
};

/** Who approves: the identity an ingress authenticated (never one the request names). */
export type ApproverIdentity =
  | { readonly source: 'slack'; readonly userId: string }
  | {
      readonly source: 'jira';
      readonly accountId: string;
      readonly groups?: readonly string[];
      readonly transitionTo?: string;
    }
  | { readonly source: 'api'; readonly keyName: string; readonly role: string };

export type ApprovalDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly reason: string };

/** The request as the approval rules see it (a `RequestRecord` fits). */
export interface ApprovalSubject {
  readonly requester: Requester;
  readonly plan?: { readonly MasterDBInstanceId: string };
  readonly request: { readonly MasterDBInstanceId: string };
  /** When it started waiting (ISO-8601). */
  readonly waitingSince: string;
}

/** The same person as the requester, as far as one source can tell (four-eyes). */
const isRequester = (approver: ApproverIdentity, requester: Requester): boolean => {
  if (approver.source === 'slack')
    return requester.source === 'slack' && requester.identity === approver.userId;
  if (approver.source === 'jira')
    return requester.source === 'jira' && requester.identity === approver.accountId;
  return requester.source === 'api' && requester.identity === approver.keyName;
};

const refuse = (reason: string): ApprovalDecision => ({ allowed: false, reason });

/**
 * A ticket's move as an approval. `jiraApprovalStatus` says WHICH move decides (a move anywhere else
 * never approves: a member closing the ticket as "Won't Do" buys nothing); `jiraGroups` says WHO may
 * make it (the mover's groups, by name or groupId, as Jira's directory answered them). With both, the
 * move must be into the status AND by a member; with one, that one alone.
 */
const mayApproveInJira = (
  approver: Extract<ApproverIdentity, { source: 'jira' }>,
  approvers: Approval['approvers'],
): ApprovalDecision => {
  const { jiraGroups = [], jiraApprovalStatus } = approvers;
  if (jiraGroups.length === 0 && jiraApprovalStatus === undefined) {
    return refuse('the policy names no Jira approvers (approval.approvers.jiraGroups or jiraApprovalStatus)');
  }
  if (jiraApprovalStatus !== undefined && approver.transitionTo !== jiraApprovalStatus) {
    return refuse(
      `the ticket moved to ${approver.transitionTo ?? 'no status'}, not to approval.approvers.jiraApprovalStatus (${jiraApprovalStatus})`,
    );
  }
  if (jiraGroups.length > 0 && !(approver.groups ?? []).some((group) => jiraGroups.includes(group))) {
    return refuse(
      `Jira account ${approver.accountId} is in none of approval.approvers.jiraGroups (${jiraGroups.join(', ')})`,
    );
  }
  return { allowed: true };
};

/**
 * Whether `approver` may approve the request now. Four eyes: the requester never approves their
 * own request, whatever list they are on. The same person under two sources (a Slack user who also
 * holds an approver API key) cannot be told apart here.
 */
export const mayApprove = (
  approver: ApproverIdentity,
  subject: ApprovalSubject,
  policy: Policy,
  now: Date,
): ApprovalDecision => {
  const approval = approvalFor(
    policy,
    subject.plan?.MasterDBInstanceId ?? subject.request.MasterDBInstanceId,
  );
  if (!approval) return refuse('the policy has no approval section for this primary');
  const waitedMs = now.getTime() - Date.parse(subject.waitingSince);
  if (!(waitedMs <= approval.expiresAfterSeconds * 1000)) {
    return refuse(`the approval window of ${approval.expiresAfterSeconds} s has passed`);
  }
  if (isRequester(approver, subject.requester)) {
    return refuse('the requester cannot approve their own request (four eyes)');
  }
  const { approvers } = approval;
  if (approver.source === 'slack') {
    return approvers.slackUsers?.includes(approver.userId)
      ? { allowed: true }
      : refuse(`Slack user ${approver.userId} is not in approval.approvers.slackUsers`);
  }
  if (approver.source === 'jira') return mayApproveInJira(approver, approvers);
  if (!approvers.apiKeys) return refuse('approval.approvers.apiKeys is not true: API keys may not approve');
  // `admin` may do what every other role may (api-keys.ts).
  return approver.role === 'approver' || approver.role === 'admin'
    ? { allowed: true }
    : refuse(`API key ${approver.keyName} has the role ${approver.role}, not approver or admin`);
};
