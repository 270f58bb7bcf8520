import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACTIVE_SPEND_STATES,
  checkBudgets,
  HOURS_PER_MONTH,
  runningCost,
  type SpendRecord,
  spendByBudget,
} from '#shared/domain/budget.ts';
import type { PlanPrice } from '#shared/domain/plan-price.ts';
import { type Budgets, mainToMinorUnits } from '#shared/domain/policy-budget-schema.ts';
import { REQUEST_STATES } from '#shared/domain/request-state.ts';
import { assertProperty } from '#test/support/property-seed.ts';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);

/** The oracle: the same month in BigInt, where no sum can drift. */
const monthlyBig = (price: PlanPrice): bigint => {
  const minor = BigInt(price.discountedMinor);
  if (price.per === 'PT1H') return minor * BigInt(HOURS_PER_MONTH);
  const months = BigInt(price.per.slice(1, -1));
  return (minor + months - 1n) / months;
};

const price: fc.Arbitrary<PlanPrice> = fc
  .record({
    discountedMinor: fc.integer({ min: 0, max: 5_000_000 }), // up to 50,000 CNY an hour
    per: fc.oneof(
      fc.constant('PT1H'),
      fc.integer({ min: 1, max: 36 }).map((months) => `P${months}M`),
    ),
  })
  .map(({ discountedMinor, per }) => ({
    originalMinor: discountedMinor,
    discountedMinor,
    currency: 'CNY',
    per,
  }));

const record: fc.Arbitrary<SpendRecord> = fc
  .record({
    id: fc.uuid(),
    state: fc.constantFrom(...REQUEST_STATES),
    primary: fc.constantFrom('postgres-a', 'postgres-b', 'postgres-c'),
    price,
  })
  .map(({ id, state, primary, price: quoted }) => ({
    requestId: `r-${id}`,
    state,
    request: { MasterDBInstanceId: primary },
    plan: { MasterDBInstanceId: primary },
    requester: { source: 'api', identity: 'ci' },
    price: quoted,
  }));

const active: ReadonlySet<string> = new Set(ACTIVE_SPEND_STATES);

const budgets: Budgets = {
  currency: 'CNY',
  global: { monthlyCeiling: 1_000_000_000 },
  perPrimary: { 'postgres-*': { monthlyCeiling: 500_000_000 } },
};

describe('budget sums (property)', () => {
  it('equal the BigInt sum of the active records, in any order', () => {
    assertProperty(
      fc.property(fc.array(record, { maxLength: 60 }), (records) => {
        const expected = records
          .filter((candidate) => active.has(candidate.state))
          .reduce((sum, candidate) => sum + monthlyBig(candidate.price as PlanPrice), 0n);
        const forward = runningCost(records, 'CNY');
        const backward = runningCost([...records].reverse(), 'CNY');
        expect(BigInt(forward.usedMinor)).toBe(expected);
        expect(backward.usedMinor).toBe(forward.usedMinor);
        expect(Number.isSafeInteger(forward.usedMinor)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('partition exactly: the global spend is the sum of the per-primary spends', () => {
    assertProperty(
      fc.property(fc.array(record, { maxLength: 60 }), (records) => {
        const lines = spendByBudget(records, budgets);
        const global = lines.find((line) => line.budget === 'budgets.global');
        const perPrimary = lines.filter((line) => line.budget.startsWith('budgets.perPrimary.'));
        expect(perPrimary.reduce((sum, line) => sum + line.usedMinor, 0)).toBe(global?.usedMinor);
      }),
      { numRuns: RUNS },
    );
  });

  it('fit exactly when used plus the plan is at most the ceiling', () => {
    assertProperty(
      fc.property(
        fc.array(record, { maxLength: 30 }),
        price,
        fc.integer({ min: 0, max: 2_000_000_000 }),
        (records, planPrice, ceiling) => {
          const tight: Budgets = { currency: 'CNY', global: { monthlyCeiling: ceiling } };
          const verdict = checkBudgets(
            {
              requestId: 'r-plan',
              subject: { primaryId: 'postgres-a', requester: { source: 'api', identity: 'ci' } },
              price: planPrice,
            },
            records,
            tight,
          );
          const used = records
            .filter((candidate) => active.has(candidate.state))
            .reduce((sum, candidate) => sum + monthlyBig(candidate.price as PlanPrice), 0n);
          const fits = used + monthlyBig(planPrice) <= BigInt(ceiling);
          expect(verdict.kind).toBe(fits ? 'fits' : 'exceeded');
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('read every amount of whole fen written in main units back to the same fen', () => {
    assertProperty(
      fc.property(fc.integer({ min: 0, max: 9_000_000_000_000 }), (minor) => {
        expect(mainToMinorUnits(minor / 100)).toBe(minor);
      }),
      { numRuns: RUNS * 5 },
    );
  });
});
