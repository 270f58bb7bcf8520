import { describe, expect, it } from 'vitest';
import { DEFAULT_DEPLOYMENT, DEPLOYMENT_TAG_KEY } from '#shared/domain/deployment-identity.ts';
import { instanceNameFor, REQUEST_TAG_KEY } from '#shared/domain/idempotency.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import type { RequestState } from '#shared/domain/request-state.ts';
import { type CreateOutcome, createReplica } from '#shared/use-cases/create-replica.ts';
import { notification } from '#test/fixtures/request-records.ts';
import { corePorts, creationOf, minutesFromStart, validatedRecord } from '#test/support/core-harness.ts';
import { type Answer, failure } from '#test/support/scripted-tencent.ts';

const LEASE_MS = 60_000;

/** Each answer Tencent can give the create, and what the create consumer must make of it. */
const outcomes: {
  readonly name: string;
  readonly answer: Answer<'createReadOnlyDBInstance'>;
  readonly outcome: CreateOutcome;
  readonly state: RequestState;
}[] = [
  {
    name: 'accepted',
    answer: { ok: { DealNames: ['20261129-deal-1'], BillId: 'bill-1', DBInstanceIdSet: ['pgro-new1'] } },
    outcome: 'submitted',
    state: 'SUBMITTED',
  },
  {
    name: 'accepted as a prepaid order (DealNames, no instance ids yet)',
    answer: { ok: { DealNames: ['20261129-deal-2'] } },
    outcome: 'submitted',
    state: 'SUBMITTED',
  },
  {
    name: 'refused for the request (InvalidParameterValue.IllegalZone)',
    answer: { fail: failure.business() },
    outcome: 'failed',
    state: 'FAILED',
  },
  {
    name: 'refused for the quota (LimitExceeded.RoInstanceCount)',
    answer: { fail: failure.business('LimitExceeded.RoInstanceCount') },
    outcome: 'failed',
    state: 'FAILED',
  },
  { name: 'throttled', answer: { fail: failure.throttled() }, outcome: 'retry', state: 'VALIDATED' },
  {
    name: 'busy (ResourceBusy)',
    answer: { fail: failure.retryable() },
    outcome: 'retry',
    state: 'VALIDATED',
  },
  {
    name: 'not reached (ECONNREFUSED)',
    answer: { fail: failure.refused() },
    outcome: 'retry',
    state: 'VALIDATED',
  },
  {
    name: 'timed out after sending',
    answer: { fail: failure.timeout() },
    outcome: 'unknown',
    state: 'UNKNOWN',
  },
  { name: 'reset after sending', answer: { fail: failure.reset() }, outcome: 'unknown', state: 'UNKNOWN' },
  {
    name: 'an InternalError',
    answer: { fail: failure.internalError() },
    outcome: 'unknown',
    state: 'UNKNOWN',
  },
];

/** Starting states in which the create consumer must not call Tencent at all. */
const notOurs: { readonly name: string; readonly record: () => RequestRecord }[] = [
  {
    name: 'CREATING with a live lease (another delivery is calling)',
    record: () =>
      withCreation(validatedRecord('CREATING', { lease: { owner: 'other', until: minutesFromStart(1) } })),
  },
  {
    name: 'CREATING with an expired lease (its caller died; the poller reconciles)',
    record: () =>
      withCreation(validatedRecord('CREATING', { lease: { owner: 'other', until: minutesFromStart(-1) } })),
  },
  {
    name: 'UNKNOWN',
    record: () => withCreation(validatedRecord('UNKNOWN', { unknownSince: minutesFromStart(-1) })),
  },
  {
    name: 'SUBMITTED',
    record: () => withCreation(validatedRecord('SUBMITTED'), { dealNames: ['20261129-deal-0'] }),
  },
  {
    name: 'PROVISIONING',
    record: () => withCreation(validatedRecord('PROVISIONING'), { instanceIds: ['pgro-old'] }),
  },
  { name: 'RECEIVED (not validated yet)', record: () => validatedRecord('RECEIVED', { plan: undefined }) },
  { name: 'VALIDATED without a plan', record: () => validatedRecord('VALIDATED', { plan: undefined }) },
  ...(['READY', 'FAILED', 'TIMED_OUT', 'REJECTED', 'SUPPRESSED', 'DRY_RUN'] as const).map((state) => ({
    name: state,
    record: () => withCreation(validatedRecord(state, { notification: notification('DELIVERED') })),
  })),
];

const withCreation = (
  record: RequestRecord,
  creation: Partial<NonNullable<RequestRecord['creation']>> = {},
): RequestRecord => ({ ...record, creation: creationOf(record.requestId, creation) });

const run = async (record: RequestRecord, answer: Answer<'createReadOnlyDBInstance'>) => {
  const ports = corePorts();
  ports.store.records.set(record.requestId, record);
  ports.tencent.script('createReadOnlyDBInstance', answer);
  const outcome = await createReplica(record.requestId, { ...ports, leaseMs: LEASE_MS, owner: 'me' });
  const stored = await ports.store.get(record.requestId);
  return { ...ports, outcome, stored: stored as RequestRecord };
};

describe('createReplica, from each starting state, for each Tencent answer', () => {
  describe.each(outcomes)('Tencent: $name', ({ answer, outcome, state }) => {
    it(`continues from VALIDATED: calls CreateReadOnlyDBInstance once and ends ${state}`, async () => {
      const record = validatedRecord('VALIDATED');

      const result = await run(record, answer);

      expect(result.outcome).toBe(outcome);
      expect(result.stored.state).toBe(state);
      expect(result.tencent.callsOf('createReadOnlyDBInstance')).toHaveLength(1);
      expect(result.stored.lease).toBeUndefined();
      expect(result.stored.history.map((entry) => entry.state).slice(-2)).toEqual(['CREATING', state]);
    });

    it.each(notOurs)('continues from $name: makes no call and changes nothing', async ({ record: make }) => {
      const record = make();

      const result = await run(record, answer);

      expect(result.outcome).toBe('skipped');
      expect(result.tencent.calls).toEqual([]);
      expect(result.stored).toEqual(record);
      expect(result.queue.sent).toEqual([]);
    });
  });

  it('continues from VALIDATED: sends the plan with the name derived from the request and the request-id tag', async () => {
    const record = validatedRecord('VALIDATED');

    const { tencent } = await run(record, outcomes[0]?.answer as Answer<'createReadOnlyDBInstance'>);

    const [call] = tencent.callsOf('createReadOnlyDBInstance');
    expect(call?.region).toBe(record.plan?.Region);
    expect(call?.request).toMatchObject({
      MasterDBInstanceId: record.plan?.MasterDBInstanceId,
      Zone: record.plan?.Zone,
      Name: instanceNameFor(record.requestId),
      Tags: [
        { TagKey: REQUEST_TAG_KEY, TagValue: record.requestId },
        { TagKey: DEPLOYMENT_TAG_KEY, TagValue: DEFAULT_DEPLOYMENT },
      ],
    });
  });

  it('continues from VALIDATED: stores the DealNames, bill and instance ids of an accepted create, and queues nothing', async () => {
    const record = validatedRecord('VALIDATED');

    const { stored, queue } = await run(record, {
      ok: { DealNames: ['20261129-deal-1'], BillId: 'bill-1', DBInstanceIdSet: ['pgro-new1'] },
    });

    expect(stored.creation).toMatchObject({
      attempt: 1,
      instanceName: instanceNameFor(record.requestId),
      dealNames: ['20261129-deal-1'],
      billId: 'bill-1',
      instanceIds: ['pgro-new1'],
      source: 'create-response',
      submittedAt: minutesFromStart(0),
    });
    expect(queue.sent).toEqual([]);
  });

  it('continues from VALIDATED: ends FAILED with the Tencent code and queues one replica.failed notification', async () => {
    const record = validatedRecord('VALIDATED');

    const { stored, queue } = await run(record, { fail: failure.business('LimitExceeded.RoInstanceCount') });

    expect(stored.failure).toMatchObject({ code: 'LimitExceeded.RoInstanceCount' });
    expect(stored.notification).toMatchObject({ type: 'replica.failed', status: 'ENQUEUED' });
    expect(queue.sent).toEqual([
      {
        queue: 'notify',
        body: {
          requestId: record.requestId,
          type: 'replica.failed',
          webhookId: stored.notification?.webhookId,
          chainId: stored.notification?.chainId,
        },
      },
    ]);
  });

  it('continues from VALIDATED: a throttled create goes back to VALIDATED with its attempt counted, to be retried', async () => {
    const record = validatedRecord('VALIDATED');

    const { stored, queue } = await run(record, { fail: failure.throttled() });

    expect(stored.creation).toMatchObject({ attempt: 1, dealNames: [] });
    expect(stored.failure).toBeUndefined();
    expect(queue.sent).toEqual([]);
  });

  it('continues from VALIDATED: an ambiguous create waits in UNKNOWN since now, never re-sent by the consumer', async () => {
    const record = validatedRecord('VALIDATED');

    const { stored, queue, tencent } = await run(record, { fail: failure.timeout() });

    expect(stored.unknownSince).toBe(minutesFromStart(0));
    expect(tencent.calls).toHaveLength(1);
    expect(queue.sent).toEqual([]);
  });

  it('continues from VALIDATED after a re-issue: counts the second attempt under the same instance name', async () => {
    const record = withCreation(validatedRecord('VALIDATED'), { attempt: 1 });

    const { stored } = await run(record, outcomes[0]?.answer as Answer<'createReadOnlyDBInstance'>);

    expect(stored.creation).toMatchObject({ attempt: 2, instanceName: instanceNameFor(record.requestId) });
  });

  it('continues from VALIDATED delivered twice at once: only one delivery calls Tencent', async () => {
    const ports = corePorts();
    const record = validatedRecord('VALIDATED');
    ports.store.records.set(record.requestId, record);
    ports.tencent.otherwise('createReadOnlyDBInstance', { ok: { DealNames: ['20261129-deal-1'] } });
    const deps = { ...ports, leaseMs: LEASE_MS };

    const outcomes = await Promise.all([
      createReplica(record.requestId, deps),
      createReplica(record.requestId, deps),
    ]);

    expect(outcomes.sort()).toEqual(['skipped', 'submitted']);
    expect(ports.tencent.calls).toHaveLength(1);
  });

  it('continues from CREATING whose lease ran out under a slow call: adopts the late answer from UNKNOWN', async () => {
    const ports = corePorts();
    const record = validatedRecord('VALIDATED');
    ports.store.records.set(record.requestId, record);
    ports.tencent.script('createReadOnlyDBInstance', { ok: { DealNames: ['20261129-deal-late'] } });
    // The poller expires the lease while the answer is in flight.
    const afterCall = async (requestId: string) => {
      const creating = (await ports.store.get(requestId)) as RequestRecord;
      await ports.store.transition({
        requestId,
        expectedVersion: creating.version,
        from: 'CREATING',
        to: 'UNKNOWN',
        actor: 'poll',
        set: { unknownSince: minutesFromStart(2) },
        remove: ['lease'],
        at: minutesFromStart(2),
      });
    };

    const outcome = await createReplica(record.requestId, { ...ports, leaseMs: LEASE_MS, afterCall });

    const stored = (await ports.store.get(record.requestId)) as RequestRecord;
    expect(outcome).toBe('submitted');
    expect(stored.state).toBe('SUBMITTED');
    expect(stored.creation?.dealNames).toEqual(['20261129-deal-late']);
    expect(stored.unknownSince).toBeUndefined();
    expect(ports.tencent.calls).toHaveLength(1);
  });
});
