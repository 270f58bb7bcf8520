import type { PlanPrice } from '#shared/domain/plan-price.ts';
import { formatMinorUnits } from '#shared/domain/plan-price.ts';
import type { Budget, Budgets, OnExceeded } from '#shared/domain/policy-budget-schema.ts';
import { isGlob, matchesGlob } from '#shared/domain/policy-glob.ts';
import type { Requester } from '#shared/domain/replica-request.ts';
import type { RequestState } from '#shared/domain/request-state.ts';
import type { RuleViolation } from '#shared/domain/rule-violation.ts';

/**
 * Budget arithmetic, pure: what a plan costs a month, what replica-flow's running replicas cost,
 * which budgets a plan touches and whether it fits them. Money is integer minor units (fen) from
 * end to end; every sum is checked to stay a safe integer, so nothing ever rounds silently.
 *
 * The month: 730 hours (365 × 24 / 12, the convention of AWS's and Tencent's calculators). An
 * hourly price costs 730 × it a month, exactly. A prepaid price covers its whole period of n months
 * and costs ⌈price / n⌉ a month: rounded up, so a budget is never judged on less than is paid.
 */
export const HOURS_PER_MONTH = 730;

/**
 * States whose record holds, or is about to hold, a running replica: READY, and every state of a
 * create in flight. In-flight plans count, so requests validated one after another cannot each fit
 * on their own while together they pass the ceiling.
 */
export const ACTIVE_SPEND_STATES = [
  'VALIDATED',
  'CREATING',
  'UNKNOWN',
  'SUBMITTED',
  'PROVISIONING',
  'READY',
] as const satisfies readonly RequestState[];

const activeSpendStates: ReadonlySet<string> = new Set(ACTIVE_SPEND_STATES);
export const holdsActiveSpend = (state: RequestState): boolean => activeSpendStates.has(state);

/** `a + b` of minor units; throws rather than return a sum that is no longer an exact integer. */
export const addMinor = (a: number, b: number): number => {
  const sum = a + b;
  if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || !Number.isSafeInteger(sum)) {
    throw new RangeError(`minor-unit sum ${a} + ${b} is not a safe integer`);
  }
  return sum;
};

const multiplyMinor = (a: number, factor: number): number => {
  const product = a * factor;
  if (!Number.isSafeInteger(product))
    throw new RangeError(`minor-unit product ${a} × ${factor} is not a safe integer`);
  return product;
};

/** ⌈a / n⌉ for non-negative integers, without a float division. */
const ceilDivide = (a: number, n: number): number => {
  const remainder = a % n;
  const quotient = (a - remainder) / n; // exact: a − remainder is a multiple of n
  return remainder === 0 ? quotient : quotient + 1;
};

/** What a plan's price (for all its instances) costs a month, in minor units (`discountedMinor`: what is paid). */
export const monthlyCostMinor = (price: Pick<PlanPrice, 'discountedMinor' | 'per'>): number => {
  if (price.per === 'PT1H') return multiplyMinor(price.discountedMinor, HOURS_PER_MONTH);
  const months = /^P(\d{1,2})M$/.exec(price.per);
  if (!months || Number(months[1]) < 1)
    throw new RangeError(`price per ${price.per} is not PT1H or P<months>M`);
  return ceilDivide(price.discountedMinor, Number(months[1]));
};

/** The requester groups a request is attributed to (a request belongs to at most one of each). */
export interface RequesterGroups {
  readonly slackChannel?: string;
  readonly apiKey?: string;
  readonly alertSource?: string;
}

const ALERT_SOURCES: ReadonlySet<string> = new Set([
  'alertmanager',
  'tencent-monitor',
  'cloudwatch',
  'grafana',
]);

/** Slack: the channel it was typed in; API: the key's name; alerts: the source. Jira requests have none yet. */
export const requesterGroupsOf = (requester: Requester): RequesterGroups => {
  if (requester.source === 'slack') {
    const channel = requester.context?.channel;
    return channel ? { slackChannel: channel } : {};
  }
  if (requester.source === 'api') return { apiKey: requester.identity };
  if (ALERT_SOURCES.has(requester.source)) return { alertSource: requester.source };
  return {};
};

/** What a budget is judged on: the primary and the requester. */
export interface SpendSubject {
  readonly primaryId: string;
  readonly requester: Requester;
}

/** A budget as applied to one subject. */
export interface AppliedBudget {
  /** Where it is in the policy, e.g. `budgets.perPrimary.billing-db`, `budgets.global`. */
  readonly name: string;
  /** For a glob `perPrimary` key: the primary it is applied to (each matching primary has its own ceiling). */
  readonly primaryId?: string;
  readonly ceilingMinor: number;
  readonly onExceeded: OnExceeded;
  /** Whether a record's spend counts against this budget. */
  readonly counts: (subject: SpendSubject) => boolean;
}

/** The `perPrimary` key governing a primary: the exact key, else the first glob in file order. */
const perPrimaryKey = (budgets: Budgets, primaryId: string): string | undefined => {
  const map = budgets.perPrimary ?? {};
  if (Object.hasOwn(map, primaryId) && !isGlob(primaryId)) return primaryId;
  return Object.keys(map).find((key) => isGlob(key) && matchesGlob(key, primaryId));
};

/** Every budget the subject's spend counts against. */
export const budgetsFor = (
  subject: SpendSubject,
  budgets: Budgets | undefined,
  fallbackOnExceeded: OnExceeded = 'reject',
): AppliedBudget[] => {
  if (!budgets) return [];
  const applied: AppliedBudget[] = [];
  const apply = (name: string, budget: Budget, counts: AppliedBudget['counts'], primaryId?: string) =>
    applied.push({
      name,
      ...(primaryId ? { primaryId } : {}),
      ceilingMinor: budget.monthlyCeiling,
      onExceeded: budget.onExceeded ?? budgets.onExceeded ?? fallbackOnExceeded,
      counts,
    });
  if (budgets.global) apply('budgets.global', budgets.global, () => true);
  const key = perPrimaryKey(budgets, subject.primaryId);
  const perPrimary = key === undefined ? undefined : budgets.perPrimary?.[key];
  if (key !== undefined && perPrimary) {
    const { primaryId } = subject;
    apply(
      isGlob(key) ? `budgets.perPrimary.${key} (${primaryId})` : `budgets.perPrimary.${key}`,
      perPrimary,
      (other) => other.primaryId === primaryId,
      primaryId,
    );
  }
  const groups = requesterGroupsOf(subject.requester);
  const byGroup = budgets.perRequesterGroup ?? {};
  const group = (field: keyof RequesterGroups, section: keyof typeof byGroup) => {
    const value = groups[field];
    const map: Readonly<Record<string, Budget>> = byGroup[section] ?? {};
    if (value === undefined || !Object.hasOwn(map, value)) return;
    const budget = map[value] as Budget;
    apply(
      `budgets.perRequesterGroup.${section}.${value}`,
      budget,
      (other) => requesterGroupsOf(other.requester)[field] === value,
    );
  };
  group('slackChannel', 'slackChannels');
  group('apiKey', 'apiKeys');
  group('alertSource', 'alertSources');
  return applied;
};

/** A record as the budget sees it (a `RequestRecord` fits). */
export interface SpendRecord {
  readonly requestId: string;
  readonly state: RequestState;
  readonly request: { readonly MasterDBInstanceId: string };
  readonly requester: Requester;
  readonly plan?: { readonly MasterDBInstanceId: string };
  readonly price?: PlanPrice;
}

const subjectOf = (record: SpendRecord): SpendSubject => ({
  primaryId: record.plan?.MasterDBInstanceId ?? record.request.MasterDBInstanceId,
  requester: record.requester,
});

/** What the records' running (and in-flight) replicas cost a month, where `counts` says they count. */
export interface RunningCost {
  readonly usedMinor: number;
  /** Active records with no price (from before prices) or another currency: not in `usedMinor`. */
  readonly uncounted: number;
}

export const runningCost = (
  records: readonly SpendRecord[],
  currency: string,
  counts: (subject: SpendSubject) => boolean = () => true,
): RunningCost => {
  let usedMinor = 0;
  let uncounted = 0;
  for (const record of records) {
    if (!holdsActiveSpend(record.state) || !counts(subjectOf(record))) continue;
    if (!record.price || record.price.currency !== currency) {
      uncounted += 1;
      continue;
    }
    usedMinor = addMinor(usedMinor, monthlyCostMinor(record.price));
  }
  return { usedMinor, uncounted };
};

/** One budget a plan touches: its ceiling, what is used, what the plan adds, and the total after. */
export interface BudgetUse {
  readonly budget: string;
  readonly currency: string;
  readonly ceilingMinor: number;
  readonly usedMinor: number;
  readonly planMinor: number;
  readonly afterMinor: number;
  readonly fits: boolean;
  readonly onExceeded: OnExceeded;
  /** Active records this budget could not count (no price, or another currency). */
  readonly uncounted: number;
}

export type BudgetVerdict =
  /** No budget in the policy touches the plan. */
  | { readonly kind: 'unbudgeted'; readonly planMinor: number }
  | { readonly kind: 'fits'; readonly planMinor: number; readonly uses: readonly BudgetUse[] }
  | {
      readonly kind: 'exceeded';
      readonly planMinor: number;
      readonly uses: readonly BudgetUse[];
      readonly exceeded: readonly BudgetUse[];
      /** `reject` if any passed budget says so; `approval` only when every passed budget allows waiting. */
      readonly onExceeded: OnExceeded;
    }
  /** The plan is priced in another currency than the budgets: it cannot be judged. */
  | { readonly kind: 'currencyMismatch'; readonly planCurrency: string; readonly budgetCurrency: string };

/**
 * Whether a plan fits every budget it touches, against `records` (the store's active-spend records;
 * the request being judged is left out by id, in case it is among them).
 */
export const checkBudgets = (
  plan: { readonly requestId: string; readonly subject: SpendSubject; readonly price: PlanPrice },
  records: readonly SpendRecord[],
  budgets: Budgets | undefined,
  /** `fallbackOnExceeded` of `approval-rules.ts` for the plan's primary. */
  fallbackOnExceeded: OnExceeded = 'reject',
): BudgetVerdict => {
  const planMinor = monthlyCostMinor(plan.price);
  const applied = budgetsFor(plan.subject, budgets, fallbackOnExceeded);
  if (!budgets || applied.length === 0) return { kind: 'unbudgeted', planMinor };
  if (plan.price.currency !== budgets.currency) {
    return { kind: 'currencyMismatch', planCurrency: plan.price.currency, budgetCurrency: budgets.currency };
  }
  const others = records.filter((record) => record.requestId !== plan.requestId);
  const uses = applied.map((budget): BudgetUse => {
    const { usedMinor, uncounted } = runningCost(others, budgets.currency, budget.counts);
    const afterMinor = addMinor(usedMinor, planMinor);
    return {
      budget: budget.name,
      currency: budgets.currency,
      ceilingMinor: budget.ceilingMinor,
      usedMinor,
      planMinor,
      afterMinor,
      fits: afterMinor <= budget.ceilingMinor,
      onExceeded: budget.onExceeded,
      uncounted,
    };
  });
  const exceeded = uses.filter((use) => !use.fits);
  if (exceeded.length === 0) return { kind: 'fits', planMinor, uses };
  const onExceeded = exceeded.some((use) => use.onExceeded === 'reject') ? 'reject' : 'approval';
  return { kind: 'exceeded', planMinor, uses, exceeded, onExceeded };
};

const money = (currency: string, minor: number): string => `${currency} ${formatMinorUnits(minor)}`;

/** The violations a verdict makes when it is to be refused (none when it fits or may wait for approval). */
export const budgetViolations = (verdict: BudgetVerdict): RuleViolation[] => {
  if (verdict.kind === 'currencyMismatch') {
    return [
      {
        rule: 'policy.budgetCurrency',
        message: `The plan is priced in ${verdict.planCurrency} but the policy's budgets are in ${verdict.budgetCurrency}; it cannot be judged against them`,
      },
    ];
  }
  if (verdict.kind !== 'exceeded' || verdict.onExceeded !== 'reject') return [];
  return verdict.exceeded.map((use) => ({
    rule: 'policy.budgetExceeded',
    message:
      `${use.budget}: the plan's ${money(use.currency, use.planMinor)} a month on top of ` +
      `${money(use.currency, use.usedMinor)} used would make ${money(use.currency, use.afterMinor)}, ` +
      `above the monthly ceiling of ${money(use.currency, use.ceilingMinor)}`,
  }));
};

/** One budget's month, for the fleet view: its ceiling and what replica-flow's records spend against it. */
export interface BudgetSpend {
  readonly budget: string;
  readonly currency: string;
  readonly ceilingMinor: number;
  readonly usedMinor: number;
  readonly uncounted: number;
}

/**
 * The month's spend against every budget of the policy that the records touch (the global one
 * always): what the fleet view shows. A glob `perPrimary` key yields one line per matching primary.
 */
export const spendByBudget = (
  records: readonly SpendRecord[],
  budgets: Budgets | undefined,
): BudgetSpend[] => {
  if (!budgets) return [];
  const seen = new Map<string, AppliedBudget>();
  const subjects = records.filter((record) => holdsActiveSpend(record.state)).map(subjectOf);
  for (const subject of subjects) {
    for (const budget of budgetsFor(subject, budgets))
      if (!seen.has(budget.name)) seen.set(budget.name, budget);
  }
  if (budgets.global && !seen.has('budgets.global')) {
    seen.set('budgets.global', {
      name: 'budgets.global',
      ceilingMinor: budgets.global.monthlyCeiling,
      onExceeded: budgets.global.onExceeded ?? budgets.onExceeded ?? 'reject',
      counts: () => true,
    });
  }
  return [...seen.values()].map((budget) => {
    const { usedMinor, uncounted } = runningCost(records, budgets.currency, budget.counts);
    return {
      budget: budget.name,
      currency: budgets.currency,
      ceilingMinor: budget.ceilingMinor,
      usedMinor,
      uncounted,
    };
  });
};
