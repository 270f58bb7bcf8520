import { type ApprovalReason, fallbackOnExceeded, needsApproval } from '#shared/domain/approval-rules.ts';
import {
  type BudgetVerdict,
  budgetViolations,
  checkBudgets,
  monthlyCostMinor,
} from '#shared/domain/budget.ts';
import { type BudgetCheck, budgetCheckOf } from '#shared/domain/budget-summary.ts';
import type { PlanPrice } from '#shared/domain/plan-price.ts';
import type { Policy } from '#shared/domain/policy.ts';
import type { ReplicaPlan, RequestRecord, RuleViolation } from '#shared/domain/request-record.ts';
import { ConfigError } from '#shared/errors.ts';
import type { SpendStore } from '#shared/ports/request-store.ts';

export interface BudgetJudgementDependencies {
  readonly policy: Policy;
  /** The running fleet's records; needed only when the policy has `budgets`. */
  readonly spend?: SpendStore;
}

export interface BudgetJudgement {
  readonly verdict?: BudgetVerdict;
  /** `policy.budgetExceeded` / `policy.budgetCurrency` where the plan is to be refused. */
  readonly violations: RuleViolation[];
  /** Non-empty: the plan must wait for approval (`approval-rules.ts`). */
  readonly approvalReasons: readonly ApprovalReason[];
  readonly check: BudgetCheck;
}

/**
 * The budgets and approval rules applied to a priced plan: reads the running fleet (the `spend`
 * index) only when the policy has budgets. Undefined when the policy has neither budgets nor approval.
 *
 * Races: validate calls this for a plan that would count holding the `budget-check` lease
 * (`budget-lock.ts`) until its state is written, so no two validations judge the same fleet. A dry
 * run judges without it (it writes nothing that counts).
 */
export const judgeBudgets = async (
  record: RequestRecord,
  plan: ReplicaPlan,
  price: PlanPrice,
  deps: BudgetJudgementDependencies,
): Promise<BudgetJudgement | undefined> => {
  const { policy } = deps;
  if (!policy.budgets && !policy.approval && !hasPrimaryApproval(policy)) return undefined;
  let verdict: BudgetVerdict | undefined;
  if (policy.budgets) {
    if (!deps.spend) throw new ConfigError('The policy has budgets but validate was given no spend store');
    const records = await deps.spend.listActiveSpend();
    verdict = checkBudgets(
      {
        requestId: record.requestId,
        subject: { primaryId: plan.MasterDBInstanceId, requester: record.requester },
        price,
      },
      records,
      policy.budgets,
      fallbackOnExceeded(policy, plan.MasterDBInstanceId),
    );
  }
  const violations = verdict ? budgetViolations(verdict) : [];
  const approvalReasons = violations.length > 0 ? [] : needsApproval(plan, price, verdict, policy);
  const check = budgetCheckOf(
    { monthlyMinor: monthlyCostMinor(price), currency: price.currency },
    verdict,
    approvalReasons,
  );
  return { ...(verdict ? { verdict } : {}), violations, approvalReasons, check };
};

const hasPrimaryApproval = (policy: Policy): boolean =>
  Object.values(policy.primaries).some((entry) => entry.approval !== undefined);
