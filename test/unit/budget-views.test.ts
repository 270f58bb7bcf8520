import { describe, expect, it } from 'vitest';
import { slackCompletionMessage } from '#shared/adapters/slack/slack-completion-message.ts';
import type { BudgetCheck } from '#shared/domain/budget-summary.ts';
import { completionOf } from '#shared/use-cases/completion.ts';
import { requestView } from '#shared/use-cases/request-view.ts';
import { webhookPayload } from '#shared/use-cases/webhook-payload.ts';
import { FIXTURE_TIME, requestRecord } from '#test/fixtures/request-records.ts';

const budgetCheck: BudgetCheck = {
  currency: 'CNY',
  planMonthlyMinor: 24_820,
  budgets: [
    {
      budget: 'budgets.perPrimary.billing-db',
      ceilingMinor: 300_000,
      usedMinor: 290_000,
      afterMinor: 314_820,
      fits: false,
    },
    { budget: 'budgets.global', ceilingMinor: 2_000_000, usedMinor: 0, afterMinor: 24_820, fits: true },
  ],
  approval: {
    needed: true,
    reasons: ['a PREPAID (monthly, not refundable by the hour) replica needs approval'],
  },
};

const dryRun = (withCheck: boolean) =>
  requestRecord({
    state: 'DRY_RUN',
    ...(withCheck ? { budgetCheck } : {}),
    history: [{ state: 'DRY_RUN', at: FIXTURE_TIME }],
  });

describe('the budgets where a dry run is shown', () => {
  it('are in the status API and the webhook in main units, with the exact fen beside them', () => {
    const expected = {
      currency: 'CNY',
      planMonthly: 248.2,
      planMonthlyMinor: 24_820,
      budgets: [
        {
          budget: 'budgets.perPrimary.billing-db',
          ceiling: 3000,
          used: 2900,
          after: 3148.2,
          ceilingMinor: 300_000,
          usedMinor: 290_000,
          afterMinor: 314_820,
          fits: false,
        },
        {
          budget: 'budgets.global',
          ceiling: 20_000,
          used: 0,
          after: 248.2,
          ceilingMinor: 2_000_000,
          usedMinor: 0,
          afterMinor: 24_820,
          fits: true,
        },
      ],
      approval: budgetCheck.approval,
    };
    expect(requestView(dryRun(true)).budgets).toEqual(expected);
    expect(webhookPayload(dryRun(true), 'replica.dry_run', FIXTURE_TIME).data.budgets).toEqual(expected);
  });

  it('are in the Slack answer: one line per budget, then whether approval would be needed', () => {
    const text = slackCompletionMessage(completionOf(dryRun(true), 'replica.dry_run')).text;

    expect(text).toContain(
      '*Budget* budgets.perPrimary.billing-db: CNY 2,900.00 used + CNY 248.20 = CNY 3,148.20 of CNY 3,000.00 a month (over)',
    );
    expect(text).toContain(
      '*Budget* budgets.global: CNY 0.00 used + CNY 248.20 = CNY 248.20 of CNY 20,000.00 a month\n',
    );
    expect(text).toContain(
      '*Approval needed:* a PREPAID (monthly, not refundable by the hour) replica needs approval',
    );
  });

  it('are left out where the policy has no budgets or approval', () => {
    expect(requestView(dryRun(false)).budgets).toBeUndefined();
    expect(webhookPayload(dryRun(false), 'replica.dry_run', FIXTURE_TIME).data).not.toHaveProperty('budgets');
    expect(slackCompletionMessage(completionOf(dryRun(false), 'replica.dry_run')).text).not.toContain(
      'Budget',
    );
  });
});
