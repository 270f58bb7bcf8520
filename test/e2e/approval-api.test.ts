import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followRequest } from '#local/cli/api-client.ts';
import { SEED_EXAMPLE_REQUEST } from '#local/cli/demo-command.ts';
import { parseApiKeys } from '#shared/http/api-keys.ts';
import { policyFixturePath } from '#test/fixtures/policies.ts';
import { eventually } from '#test/support/eventually.ts';
import { type StackFixture, startStackFixture } from '#test/support/local-stack-fixture.ts';

const LEAD_KEY = `lead-${randomUUID()}`;
const READER_KEY = `reader-${randomUUID()}`;

/**
 * The approval step through the whole local stack (test/fixtures/policies/approval.yaml): the seed
 * plan costs CNY 248.20 a month, above the policy's 200, so it waits for a second person. The stack's
 * development key (`local-dev`, admin) submits; `lead` (approver) and `reader` decide, or try to.
 */
describe('approval through the API, end to end', () => {
  let fixture: StackFixture;

  beforeAll(async () => {
    fixture = await startStackFixture({
      policyFile: policyFixturePath('approval.yaml'),
      apiKeys: parseApiKeys(`lead:${LEAD_KEY}:approver,reader:${READER_KEY}:reader`),
    });
  });
  afterAll(async () => {
    await fixture?.close();
  });

  const submitWaiting = async () => {
    const answer = await fixture.api.submit(
      { ...SEED_EXAMPLE_REQUEST, callback: { url: fixture.receiver.url } },
      randomUUID(),
    );
    await eventually(
      `${answer.requestId} awaiting approval`,
      () => fixture.api.status(answer.requestId),
      (view) => view.state !== 'RECEIVED',
    );
    return answer.requestId;
  };
  const decide = (requestId: string, key: string, body: unknown) =>
    fetch(new URL(`/v1/replica-requests/${requestId}/approval`, fixture.stack.ingressUrl), {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('stops a plan that needs approval at AWAITING_APPROVAL, says so by webhook, and creates it once approved', async () => {
    const requestId = await submitWaiting();

    const waiting = await fixture.receiver.waitFor(requestId, 15_000);
    expect(waiting.payload.type).toBe('replica.awaiting_approval');
    expect(waiting.payload.data).toMatchObject({
      state: 'AWAITING_APPROVAL',
      price: expect.objectContaining({ currency: 'CNY' }),
      approval: {
        reasons: ['the plan costs CNY 248.20 a month, above CNY 200.00'],
        decision: null,
      },
    });

    const approved = await decide(requestId, LEAD_KEY, { decision: 'approve', reason: 'month-end reports' });
    expect(approved.status).toBe(200);
    expect(await approved.json()).toMatchObject({ state: 'VALIDATED' });

    const ready = await followRequest(fixture.api, requestId, { timeoutMs: 20_000, intervalMs: 200 });
    expect(ready.state).toBe('READY');
    expect(ready.history.map((entry) => entry.state)).toEqual(
      expect.arrayContaining(['AWAITING_APPROVAL', 'VALIDATED', 'CREATING', 'READY']),
    );
    expect(ready.history.find((entry) => entry.state === 'VALIDATED')?.note).toBe(
      'approved by api:lead (approver): month-end reports',
    );
    const readyHook = await eventually(
      'the replica.ready webhook',
      () =>
        fixture.receiver.received.find(
          (hook) => hook.payload.data.requestId === requestId && hook.payload.type === 'replica.ready',
        ),
      (hook) => hook !== undefined,
    );
    expect(readyHook?.payload.data.approval).toMatchObject({
      decision: {
        decision: 'approve',
        by: { source: 'api', id: 'lead', role: 'approver' },
        reason: 'month-end reports',
      },
    });

    const again = await decide(requestId, LEAD_KEY, { decision: 'deny' });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { message: string } }).error.message).toContain(
      'already approved by api:lead (approver)',
    );
  });

  it('denies: REJECTED with replica.denied, and nothing is created', async () => {
    const requestId = await submitWaiting();

    const denied = await decide(requestId, LEAD_KEY, {
      decision: 'deny',
      reason: 'use the reporting replica',
    });

    expect(denied.status).toBe(200);
    const view = await followRequest(fixture.api, requestId, { timeoutMs: 15_000, intervalMs: 200 });
    expect(view.state).toBe('REJECTED');
    expect(view.dealNames).toEqual([]);
    const hook = await eventually(
      'the replica.denied webhook',
      () =>
        fixture.receiver.received.find(
          (h) => h.payload.data.requestId === requestId && h.payload.type === 'replica.denied',
        ),
      (h) => h !== undefined,
    );
    expect(hook?.payload.data.violations).toEqual([
      { rule: 'approval.denied', message: 'denied by api:lead (approver): use the reporting replica' },
    ]);
  });

  it('answers 403 to a reader key and to the requester approving its own request (four eyes), 400 naming a bad field, 404 to an unknown id', async () => {
    const requestId = await submitWaiting();

    const reader = await decide(requestId, READER_KEY, { decision: 'approve' });
    const own = await decide(requestId, fixture.stack.credentials.apiKey, { decision: 'approve' });
    const bad = await decide(requestId, LEAD_KEY, { decision: 'maybe' });
    const unknown = await decide('r-0000000000000000', LEAD_KEY, { decision: 'approve' });

    expect(reader.status).toBe(403);
    expect(own.status).toBe(403);
    expect(((await own.json()) as { error: { message: string } }).error.message).toContain('four eyes');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { issues: unknown } }).error.issues).toEqual([
      expect.objectContaining({ field: 'decision', message: expect.stringContaining('approve, deny') }),
    ]);
    expect(unknown.status).toBe(404);
    expect((await fixture.api.status(requestId)).state).toBe('AWAITING_APPROVAL');
  });

  it('lets exactly one of an approve and a deny sent at once win, over HTTP against the stack store', async () => {
    const requestIds = await Promise.all(Array.from({ length: 5 }, () => submitWaiting()));

    for (const requestId of requestIds) {
      const [approve, deny] = await Promise.all([
        decide(requestId, LEAD_KEY, { decision: 'approve' }),
        decide(requestId, LEAD_KEY, { decision: 'deny' }),
      ]);

      const said = [await approve.clone().text(), await deny.clone().text()];
      expect({ statuses: [approve.status, deny.status].sort(), said }).toMatchObject({
        statuses: [200, 409],
      });
      const view = await fixture.api.status(requestId);
      if (approve.status === 200) expect(view.state).not.toMatch(/^(REJECTED|AWAITING_APPROVAL)$/);
      else expect(view.state).toBe('REJECTED');
      expect(view.history.filter((entry) => ['VALIDATED', 'REJECTED'].includes(entry.state))).toHaveLength(1);
    }
  });
});
