import type { BudgetUse, BudgetVerdict } from '#shared/domain/budget.ts';
import { formatMinorUnits, toMainUnits } from '#shared/domain/plan-price.ts';

/**
 * What validate found about money, kept on the record and shown in the dry run's answer: the plan's
 * monthly cost, each budget it touches (ceiling, used, after), and whether approval would be needed.
 * Integer minor units throughout; rendered to main units at the border.
 */
export interface BudgetCheck {
  readonly currency: string;
  /** The plan's cost a month (`monthlyCostMinor`): hourly × 730, or a prepaid period spread over its months. */
  readonly planMonthlyMinor: number;
  readonly budgets: readonly BudgetLine[];
  readonly approval: { readonly needed: boolean; readonly reasons: readonly string[] };
}

export interface BudgetLine {
  readonly budget: string;
  readonly ceilingMinor: number;
  readonly usedMinor: number;
  readonly afterMinor: number;
  readonly fits: boolean;
  /** Active records the budget could not count (no price, or another currency). */
  readonly uncounted?: number;
}

const lineOf = (use: BudgetUse): BudgetLine => ({
  budget: use.budget,
  ceilingMinor: use.ceilingMinor,
  usedMinor: use.usedMinor,
  afterMinor: use.afterMinor,
  fits: use.fits,
  ...(use.uncounted > 0 ? { uncounted: use.uncounted } : {}),
});

/** `verdict` absent: the policy has no budgets (only approval rules). */
export const budgetCheckOf = (
  plan: { readonly monthlyMinor: number; readonly currency: string },
  verdict: BudgetVerdict | undefined,
  approvalReasons: readonly { readonly message: string }[],
): BudgetCheck => ({
  currency: plan.currency,
  planMonthlyMinor: plan.monthlyMinor,
  budgets: verdict?.kind === 'fits' || verdict?.kind === 'exceeded' ? verdict.uses.map(lineOf) : [],
  approval: { needed: approvalReasons.length > 0, reasons: approvalReasons.map((reason) => reason.message) },
});

const main = (minor: number): number => toMainUnits(minor);

/** The check as shown to people and other systems: main units, with the exact minor units beside them. */
export const renderBudgetCheck = (check: BudgetCheck) => ({
  currency: check.currency,
  planMonthly: main(check.planMonthlyMinor),
  planMonthlyMinor: check.planMonthlyMinor,
  budgets: check.budgets.map((line) => ({
    budget: line.budget,
    ceiling: main(line.ceilingMinor),
    used: main(line.usedMinor),
    after: main(line.afterMinor),
    ceilingMinor: line.ceilingMinor,
    usedMinor: line.usedMinor,
    afterMinor: line.afterMinor,
    fits: line.fits,
    ...(line.uncounted ? { uncounted: line.uncounted } : {}),
  })),
  approval: check.approval,
});
export type RenderedBudgetCheck = ReturnType<typeof renderBudgetCheck>;

/** Lines for people (Slack): one per budget, then whether approval would be needed and why. */
export const budgetCheckLines = (check: BudgetCheck): string[] => {
  const money = (minor: number) => `${check.currency} ${formatMinorUnits(minor)}`;
  const lines = check.budgets.map(
    (line) =>
      `*Budget* ${line.budget}: ${money(line.usedMinor)} used + ${money(check.planMonthlyMinor)} = ` +
      `${money(line.afterMinor)} of ${money(line.ceilingMinor)} a month${line.fits ? '' : ' (over)'}`,
  );
  lines.push(
    check.approval.needed
      ? `*Approval needed:* ${check.approval.reasons.join('; ')}`
      : '*Approval:* not needed',
  );
  return lines;
};
