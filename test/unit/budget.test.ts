import { describe, expect, it } from 'vitest';
import {
  addMinor,
  budgetsFor,
  budgetViolations,
  checkBudgets,
  HOURS_PER_MONTH,
  monthlyCostMinor,
  runningCost,
  type SpendRecord,
  spendByBudget,
} from '#shared/domain/budget.ts';
import type { PlanPrice } from '#shared/domain/plan-price.ts';
import type { Budgets } from '#shared/domain/policy-budget-schema.ts';
import { parsePolicy } from '#shared/domain/policy-loader.ts';
import type { Requester } from '#shared/domain/replica-request.ts';
import type { RequestState } from '#shared/domain/request-state.ts';

const hourly = (discountedMinor: number, currency = 'CNY'): PlanPrice => ({
  originalMinor: discountedMinor,
  discountedMinor,
  currency,
  per: 'PT1H',
});
const prepaid = (discountedMinor: number, months: number): PlanPrice => ({
  originalMinor: discountedMinor,
  discountedMinor,
  currency: 'CNY',
  per: `P${months}M`,
});

const slackIn = (channel: string): Requester => ({
  source: 'slack',
  identity: 'U0SOMEONE',
  context: { channel },
});
const apiKey = (name: string): Requester => ({ source: 'api', identity: name });

let counter = 0;
const record = (
  primaryId: string,
  price: PlanPrice | undefined,
  state: RequestState = 'READY',
  requester: Requester = apiKey('ci'),
): SpendRecord => ({
  requestId: `r-${++counter}`,
  state,
  request: { MasterDBInstanceId: primaryId },
  requester,
  plan: { MasterDBInstanceId: primaryId },
  ...(price ? { price } : {}),
});

/** A policy's `budgets`, parsed from YAML the way a team writes it. */
const budgetsFrom = (yaml: string): Budgets => {
  const policy = parsePolicy(
    `version: 1
regions: [ap-beijing]
specs: [pg.it.small2]
limits: { maxStorage: 500, maxInstanceCount: 2, maxReplicasPerPrimary: 3 }
primaries:
  billing-db: {}
  postgres-*: {}
${yaml}`,
    'yaml',
  );
  if (!policy.budgets) throw new Error('no budgets in the fixture');
  return policy.budgets;
};

describe('monthlyCostMinor', () => {
  it('costs an hourly price 730 hours a month, exactly', () => {
    expect(HOURS_PER_MONTH).toBe(730);
    expect(monthlyCostMinor(hourly(123))).toBe(89_790);
  });

  it('spreads a prepaid period over its months, rounding a remainder up', () => {
    expect(monthlyCostMinor(prepaid(360_000, 12))).toBe(30_000);
    expect(monthlyCostMinor(prepaid(100, 3))).toBe(34);
    expect(monthlyCostMinor(prepaid(0, 3))).toBe(0);
  });

  it('refuses a price whose monthly cost is no longer an exact integer', () => {
    expect(() => monthlyCostMinor(hourly(Number.MAX_SAFE_INTEGER))).toThrow(RangeError);
  });
});

describe('addMinor', () => {
  it('refuses fractions and sums past the safe integers', () => {
    expect(addMinor(1, 2)).toBe(3);
    expect(() => addMinor(0.1, 0.2)).toThrow(RangeError);
    expect(() => addMinor(Number.MAX_SAFE_INTEGER, 1)).toThrow(RangeError);
  });
});

describe('runningCost', () => {
  it('counts READY and in-flight creates, and nothing that runs no replica', () => {
    const records = [
      record('billing-db', hourly(100), 'READY'),
      record('billing-db', hourly(10), 'VALIDATED'),
      record('billing-db', hourly(1), 'PROVISIONING'),
      record('billing-db', hourly(1000), 'FAILED'),
      record('billing-db', hourly(1000), 'DRY_RUN'),
      record('billing-db', hourly(1000), 'RECEIVED'),
    ];
    expect(runningCost(records, 'CNY')).toEqual({ usedMinor: 111 * 730, uncounted: 0 });
  });

  it('says how many active records it could not count, instead of counting them as free in silence', () => {
    const records = [
      record('billing-db', undefined),
      record('billing-db', hourly(5, 'USD')),
      record('billing-db', hourly(5)),
    ];
    expect(runningCost(records, 'CNY')).toEqual({ usedMinor: 5 * 730, uncounted: 2 });
  });
});

describe('budgetsFor', () => {
  const budgets = budgetsFrom(`budgets:
  currency: CNY
  global: { monthlyCeiling: 100000 }
  perPrimary:
    billing-db: { monthlyCeiling: 3000 }
    postgres-*: { monthlyCeiling: 500.5, onExceeded: approval }
  perRequesterGroup:
    slackChannels: { C0BILLING: { monthlyCeiling: 800 } }
    apiKeys: { ci: { monthlyCeiling: 200 } }
    alertSources: { cloudwatch: { monthlyCeiling: 50 } }
approval:
  when: [prepaid]
  approvers: { slackUsers: [U0BOSS] }
`);

  it('parses ceilings in main units to integer minor units', () => {
    expect(budgets.perPrimary?.['billing-db']?.monthlyCeiling).toBe(300_000);
    expect(budgets.perPrimary?.['postgres-*']?.monthlyCeiling).toBe(50_050);
  });

  it('names every budget a plan touches: global, its primary, its requester group', () => {
    const names = (requester: Requester, primaryId = 'billing-db') =>
      budgetsFor({ primaryId, requester }, budgets).map((budget) => budget.name);
    expect(names(slackIn('C0BILLING'))).toEqual([
      'budgets.global',
      'budgets.perPrimary.billing-db',
      'budgets.perRequesterGroup.slackChannels.C0BILLING',
    ]);
    expect(names(apiKey('ci'), 'postgres-x1')).toEqual([
      'budgets.global',
      'budgets.perPrimary.postgres-* (postgres-x1)',
      'budgets.perRequesterGroup.apiKeys.ci',
    ]);
    expect(names({ source: 'cloudwatch', identity: 'HighCPU' }, 'other-db')).toEqual([
      'budgets.global',
      'budgets.perRequesterGroup.alertSources.cloudwatch',
    ]);
    expect(names({ source: 'jira', identity: 'acc-1' }, 'other-db')).toEqual(['budgets.global']);
  });

  it('gives each primary matching a glob its own ceiling', () => {
    const records = [record('postgres-a', hourly(60)), record('postgres-b', hourly(60))];
    const verdict = checkBudgets(
      {
        requestId: 'r-new',
        subject: { primaryId: 'postgres-a', requester: apiKey('other') },
        price: hourly(0),
      },
      records,
      budgets,
    );
    expect(verdict.kind).toBe('fits');
    const perPrimary =
      verdict.kind === 'fits' ? verdict.uses.find((use) => use.budget.includes('postgres-*')) : undefined;
    expect(perPrimary?.usedMinor).toBe(60 * 730);
  });
});

describe('checkBudgets', () => {
  // 3,000 CNY a month for billing-db: 300,000 fen. 4.10 CNY an hour is 2,993 CNY a month.
  const budgets = budgetsFrom(`budgets:
  currency: CNY
  perPrimary:
    billing-db: { monthlyCeiling: 3000 }
`);
  const plan = (price: PlanPrice, primaryId = 'billing-db') => ({
    requestId: 'r-new',
    subject: { primaryId, requester: apiKey('ci') },
    price,
  });

  it('fits when used plus the plan reaches the ceiling exactly', () => {
    const records = [record('billing-db', hourly(400))]; // 292,000
    const verdict = checkBudgets(plan(prepaid(8_000, 1)), records, budgets); // + 8,000 = 300,000
    expect(verdict).toMatchObject({ kind: 'fits', planMinor: 8_000 });
  });

  it('is exceeded by one fen past the ceiling, naming the budget, ceiling, used and plan', () => {
    const records = [record('billing-db', hourly(400))];
    const verdict = checkBudgets(plan(prepaid(8_001, 1)), records, budgets);
    expect(verdict).toMatchObject({
      kind: 'exceeded',
      onExceeded: 'reject',
      exceeded: [
        {
          budget: 'budgets.perPrimary.billing-db',
          ceilingMinor: 300_000,
          usedMinor: 292_000,
          planMinor: 8_001,
          afterMinor: 300_001,
        },
      ],
    });
    expect(budgetViolations(verdict)).toEqual([
      {
        rule: 'policy.budgetExceeded',
        message:
          "budgets.perPrimary.billing-db: the plan's CNY 80.01 a month on top of CNY 2,920.00 used would make CNY 3,000.01, above the monthly ceiling of CNY 3,000.00",
      },
    ]);
  });

  it('counts in-flight creates, so a second request cannot fit beside one still being created', () => {
    const first = record('billing-db', hourly(300), 'CREATING'); // 219,000
    expect(checkBudgets(plan(hourly(300)), [first], budgets).kind).toBe('exceeded');
  });

  it('leaves the request being judged out of the used amount', () => {
    const self = { ...record('billing-db', hourly(400), 'VALIDATED'), requestId: 'r-new' };
    expect(checkBudgets(plan(hourly(400)), [self], budgets).kind).toBe('fits');
  });

  it("only counts records of the budget: another primary does not use billing-db's ceiling", () => {
    const records = [record('postgres-x', hourly(10_000))];
    expect(checkBudgets(plan(hourly(400)), records, budgets).kind).toBe('fits');
  });

  it('waits for approval instead of refusing where the budget says so, and then makes no violation', () => {
    const waiting = budgetsFrom(`budgets:
  currency: CNY
  onExceeded: approval
  perPrimary:
    billing-db: { monthlyCeiling: 1 }
approval:
  when: [overBudget]
  approvers: { apiKeys: true }
`);
    const verdict = checkBudgets(plan(hourly(1)), [], waiting);
    expect(verdict).toMatchObject({ kind: 'exceeded', onExceeded: 'approval' });
    expect(budgetViolations(verdict)).toEqual([]);
  });

  it("falls back to the primary's approval.when overBudget when no onExceeded is written", () => {
    expect(checkBudgets(plan(hourly(500)), [], budgets, 'approval')).toMatchObject({
      onExceeded: 'approval',
    });
    expect(checkBudgets(plan(hourly(500)), [], budgets)).toMatchObject({ onExceeded: 'reject' });
  });

  it('refuses a plan priced in another currency than the budgets', () => {
    const verdict = checkBudgets(plan(hourly(1, 'USD')), [], budgets);
    expect(verdict).toEqual({ kind: 'currencyMismatch', planCurrency: 'USD', budgetCurrency: 'CNY' });
    expect(budgetViolations(verdict).map((violation) => violation.rule)).toEqual(['policy.budgetCurrency']);
  });

  it('is unbudgeted where no budget touches the plan', () => {
    expect(checkBudgets(plan(hourly(1), 'other-db'), [], budgets)).toEqual({
      kind: 'unbudgeted',
      planMinor: 730,
    });
  });
});

describe('spendByBudget', () => {
  it("lists each budget's month for the fleet view, a glob once per matching primary", () => {
    const budgets = budgetsFrom(`budgets:
  currency: CNY
  global: { monthlyCeiling: 10000 }
  perPrimary:
    postgres-*: { monthlyCeiling: 3000 }
`);
    const records = [
      record('postgres-a', hourly(100)),
      record('postgres-a', hourly(1), 'SUBMITTED'),
      record('postgres-b', hourly(200)),
      record('postgres-b', hourly(9_999), 'FAILED'),
    ];
    expect(spendByBudget(records, budgets)).toEqual([
      {
        budget: 'budgets.global',
        currency: 'CNY',
        ceilingMinor: 1_000_000,
        usedMinor: 301 * 730,
        uncounted: 0,
      },
      {
        budget: 'budgets.perPrimary.postgres-* (postgres-a)',
        currency: 'CNY',
        ceilingMinor: 300_000,
        usedMinor: 101 * 730,
        uncounted: 0,
      },
      {
        budget: 'budgets.perPrimary.postgres-* (postgres-b)',
        currency: 'CNY',
        ceilingMinor: 300_000,
        usedMinor: 200 * 730,
        uncounted: 0,
      },
    ]);
  });
});
