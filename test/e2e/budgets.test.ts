import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followRequest } from '#local/cli/api-client.ts';
import { SEED_EXAMPLE_REQUEST } from '#local/cli/demo-command.ts';
import { parseApiKeys } from '#shared/http/api-keys.ts';
import { policyFixturePath } from '#test/fixtures/policies.ts';
import { eventually } from '#test/support/eventually.ts';
import { type StackFixture, startStackFixture } from '#test/support/local-stack-fixture.ts';

const seedRequest = (callback: string) => ({ ...SEED_EXAMPLE_REQUEST, callback: { url: callback } });
/** A second person's key: the plan is above the policy's `aboveMonthlyPrice: 200`, so it waits for one. */
const APPROVER_KEY = `approver-${randomUUID()}`;

/**
 * Budgets through the whole local stack (test/fixtures/policies/budgets.yaml): postgres-abcdef may
 * cost at most CNY 400 a month; the seed plan costs CNY 0.34 an hour, CNY 248.20 a month (730 h).
 * Tests run in order: the READY replica of the second is what the third is judged against.
 */
describe('budgets, end to end through the local stack', () => {
  let fixture: StackFixture;

  beforeAll(async () => {
    fixture = await startStackFixture({
      policyFile: policyFixturePath('budgets.yaml'),
      apiKeys: parseApiKeys(`lead:${APPROVER_KEY}:approver`),
    });
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it('answers a dry run with the budget it touches (ceiling, used, after) and that approval would be needed', async () => {
    const answer = await fixture.api.submit(
      { ...seedRequest(fixture.receiver.url), dryRun: true },
      randomUUID(),
    );

    const webhook = await fixture.receiver.waitFor(answer.requestId, 15_000);
    const view = await fixture.api.status(answer.requestId);

    const expected = {
      currency: 'CNY',
      planMonthly: 248.2,
      planMonthlyMinor: 24_820,
      budgets: [
        {
          budget: 'budgets.perPrimary.postgres-abcdef',
          ceiling: 400,
          used: 0,
          after: 248.2,
          ceilingMinor: 40_000,
          usedMinor: 0,
          afterMinor: 24_820,
          fits: true,
        },
      ],
      approval: { needed: true, reasons: ['the plan costs CNY 248.20 a month, above CNY 200.00'] },
    };
    expect(webhook.payload.type).toBe('replica.dry_run');
    expect(webhook.payload.data.budgets).toEqual(expected);
    expect(view.state).toBe('DRY_RUN');
    expect(view.budgets).toEqual(expected);
  });

  it('creates a replica that fits, and refuses the next one that would pass the ceiling, naming the budget', async () => {
    const first = await fixture.api.submit(seedRequest(fixture.receiver.url), randomUUID());
    await eventually(
      'the first request waiting for approval',
      () => fixture.api.status(first.requestId),
      (view) => view.state === 'AWAITING_APPROVAL',
    );
    const approval = await fetch(
      new URL(`/v1/replica-requests/${first.requestId}/approval`, fixture.stack.ingressUrl),
      {
        method: 'POST',
        headers: { authorization: `Bearer ${APPROVER_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ decision: 'approve' }),
      },
    );
    expect(approval.status).toBe(200);
    const ready = await followRequest(fixture.api, first.requestId, { timeoutMs: 30_000, intervalMs: 200 });
    expect(ready.state).toBe('READY');

    const second = await fixture.api.submit(seedRequest(fixture.receiver.url), randomUUID());
    const webhook = await fixture.receiver.waitFor(second.requestId, 15_000);

    expect(webhook.payload.type).toBe('replica.rejected');
    expect(webhook.payload.data.violations).toEqual([
      {
        rule: 'policy.budgetExceeded',
        message:
          "budgets.perPrimary.postgres-abcdef: the plan's CNY 248.20 a month on top of CNY 248.20 used " +
          'would make CNY 496.40, above the monthly ceiling of CNY 400.00',
      },
    ]);
    expect((await fixture.api.status(second.requestId)).budgets?.budgets).toMatchObject([
      { usedMinor: 24_820, afterMinor: 49_640, fits: false },
    ]);
  });
});
