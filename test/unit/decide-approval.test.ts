import { describe, expect, it } from 'vitest';
import type { Approver } from '#shared/domain/approval-record.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import { type ApprovalCommand, decideApproval } from '#shared/use-cases/decide-approval.ts';
import { pollInFlight } from '#shared/use-cases/poll-in-flight.ts';
import { webhookPayload } from '#shared/use-cases/webhook-payload.ts';
import { approvalPolicy, awaitingRecord } from '#test/support/approval-harness.ts';
import { corePorts, minutesFromStart } from '#test/support/core-harness.ts';
import { fixedClock } from '#test/support/fixed-clock.ts';

const BOSS: Approver = { source: 'slack', id: 'U0BOSS' };
const LEAD_KEY: Approver = { source: 'api', id: 'lead', role: 'approver' };
const PROVISIONING_MS = 30 * 60_000;

const setUp = async (record: RequestRecord = awaitingRecord()) => {
  const ports = corePorts();
  await ports.store.putNew(record);
  const deps = { ...ports, policy: approvalPolicy(), provisioningTimeoutMs: PROVISIONING_MS };
  const decide = (command: Omit<ApprovalCommand, 'requestId'>) =>
    decideApproval(deps, { requestId: record.requestId, ...command });
  const stored = async () => (await ports.store.get(record.requestId)) as RequestRecord;
  return { ...ports, deps, record, decide, stored };
};

describe('decideApproval', () => {
  it('approves: VALIDATED with a fresh deadline, the create queued once, the decision in the record and its history', async () => {
    const { decide, stored, queue, clock } = await setUp();
    clock.advance(10 * 60_000);

    const outcome = await decide({ decision: 'approve', approver: BOSS, reason: 'quarter-end load' });

    const record = await stored();
    expect(outcome.kind).toBe('decided');
    expect(record.state).toBe('VALIDATED');
    expect(record.deadline).toBe(minutesFromStart(10 + 30));
    expect(record.approval?.decision).toEqual({
      decision: 'approve',
      by: BOSS,
      at: minutesFromStart(10),
      reason: 'quarter-end load',
    });
    expect(record.history.at(-1)).toEqual({
      state: 'VALIDATED',
      at: minutesFromStart(10),
      note: 'approved by slack:U0BOSS: quarter-end load',
    });
    expect(queue.bodiesTo('create')).toEqual([{ requestId: record.requestId }]);
    expect(record.notification).toMatchObject({ type: 'replica.approved', status: 'ENQUEUED' });
    expect(queue.bodiesTo('notify')).toHaveLength(1);
  });

  it('denies: REJECTED naming who denied and why, nothing queued for the create', async () => {
    const { decide, stored, queue } = await setUp();

    await decide({ decision: 'deny', approver: LEAD_KEY, reason: 'use the reporting replica' });

    const record = await stored();
    expect(record.state).toBe('REJECTED');
    expect(record.violations).toEqual([
      { rule: 'approval.denied', message: 'denied by api:lead (approver): use the reporting replica' },
    ]);
    expect(record.notification?.type).toBe('replica.denied');
    expect(queue.bodiesTo('create')).toEqual([]);
  });

  it('carries the decision in every later webhook', async () => {
    const { decide, stored } = await setUp();
    await decide({ decision: 'approve', approver: BOSS });

    const payload = webhookPayload(await stored(), 'replica.ready', minutesFromStart(20));

    expect(payload.data.approval).toMatchObject({
      reasons: ['the plan costs CNY 248.20 a month, above CNY 200.00'],
      expiresAt: minutesFromStart(60),
      decision: { decision: 'approve', by: BOSS, at: minutesFromStart(0), reason: null },
    });
  });

  it('never lets the requester approve their own request (four eyes), and writes nothing', async () => {
    const { decide, stored, record } = await setUp();

    const outcome = await decide({ decision: 'approve', approver: { source: 'slack', id: 'U012ABCDEF' } });

    expect(outcome).toEqual({
      kind: 'refused',
      reason: 'the requester cannot approve their own request (four eyes)',
    });
    expect((await stored()).version).toBe(record.version);
  });

  it('refuses someone who is not an approver', async () => {
    const { decide } = await setUp();

    const outcome = await decide({ decision: 'approve', approver: { source: 'slack', id: 'U0MALLORY' } });

    expect(outcome).toMatchObject({ kind: 'refused', reason: expect.stringContaining('U0MALLORY') });
  });

  it('is closed once the window ended, even before the poller expired it', async () => {
    const { decide, stored, clock, queue } = await setUp();
    clock.set(minutesFromStart(61));

    const outcome = await decide({ decision: 'approve', approver: BOSS });

    expect(outcome).toMatchObject({ kind: 'closed', state: 'AWAITING_APPROVAL' });
    expect((await stored()).state).toBe('AWAITING_APPROVAL');
    expect(queue.bodiesTo('create')).toEqual([]);
  });

  it('is closed once decided, naming the decision that stands', async () => {
    const { decide } = await setUp();
    await decide({ decision: 'deny', approver: LEAD_KEY });

    const outcome = await decide({ decision: 'approve', approver: BOSS });

    expect(outcome).toMatchObject({
      kind: 'closed',
      state: 'REJECTED',
      decision: { decision: 'deny', by: LEAD_KEY },
    });
  });

  it('still decides when the awaiting-approval notification is written between its read and its write', async () => {
    const { decide, stored, store, queue } = await setUp();
    const read = store.get.bind(store);
    let bumped = false;
    store.get = async (requestId) => {
      const current = await read(requestId);
      if (!bumped && current) {
        bumped = true; // the notify worker records a delivery attempt: version bump, same state
        await store.update({
          requestId,
          expectedVersion: current.version,
          state: current.state,
          set: {
            notification: {
              ...(current.notification as NonNullable<RequestRecord['notification']>),
              attemptCount: 1,
            },
          },
          at: minutesFromStart(1),
        });
      }
      return current;
    };

    const outcome = await decide({ decision: 'approve', approver: BOSS });

    expect(outcome.kind).toBe('decided');
    expect((await stored()).state).toBe('VALIDATED');
    expect(queue.bodiesTo('create')).toHaveLength(1);
  });

  it('answers not-found for an unknown request', async () => {
    const { deps } = await setUp();

    await expect(
      decideApproval(deps, { requestId: 'r-0000000000000000', decision: 'approve', approver: BOSS }),
    ).resolves.toEqual({ kind: 'not-found' });
  });
});

describe('the poller and approvals', () => {
  it('ends a request still waiting past its window EXPIRED, with its webhook queued', async () => {
    const { store, queue, tencent, stored } = await setUp();
    const clock = fixedClock(minutesFromStart(61));

    const report = await pollInFlight({
      store,
      queue,
      tencent,
      clock,
      visibilityGraceMs: 60_000,
      requeueAfterMs: 60_000,
      lockMs: 60_000,
    });

    const record = await stored();
    expect(report.transitions).toEqual({ EXPIRED: 1 });
    expect(record.state).toBe('EXPIRED');
    expect(record.failure?.code).toBe('ApprovalExpired');
    expect(record.notification).toMatchObject({ type: 'replica.expired', status: 'ENQUEUED' });
    expect(queue.bodiesTo('notify')).toHaveLength(1);
  });

  it('leaves a request inside its window waiting', async () => {
    const { store, queue, tencent, stored } = await setUp();

    await pollInFlight({
      store,
      queue,
      tencent,
      clock: fixedClock(minutesFromStart(59)),
      visibilityGraceMs: 60_000,
      requeueAfterMs: 60_000,
      lockMs: 60_000,
    });

    expect((await stored()).state).toBe('AWAITING_APPROVAL');
  });
});
