import type { DBInstance } from 'tencentcloud-sdk-nodejs/tencentcloud/services/postgres/v20170312/postgres_models.js';
import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import type { RequestState } from '#shared/domain/request-state.ts';
import { pollInFlight } from '#shared/use-cases/poll-in-flight.ts';
import { notification } from '#test/fixtures/request-records.ts';
import { corePorts, creationOf, minutesFromStart, validatedRecord } from '#test/support/core-harness.ts';
import { type Answer, describeFrom, failure, replica } from '#test/support/scripted-tencent.ts';

const GRACE_MS = 5 * 60_000;
const WEBHOOK_TYPES: Partial<Record<RequestState, string>> = {
  READY: 'replica.ready',
  FAILED: 'replica.failed',
  TIMED_OUT: 'replica.timed_out',
};

interface Row {
  readonly name: string;
  readonly record: () => RequestRecord;
  readonly orders?: Answer<'describeOrders'>;
  /** The replicas DescribeDBInstances knows of (filtered as Tencent filters), or a failure. */
  readonly replicas?: readonly DBInstance[] | Answer<'describeDBInstances'>;
  readonly state: RequestState;
  /** Extra checks of the stored record. */
  readonly stored?: Partial<RequestRecord> | ((record: RequestRecord) => void);
  /** Messages on the create queue (the re-issue). */
  readonly createQueued?: number;
}

const submitted = (
  overrides: Partial<NonNullable<RequestRecord['creation']>>,
  record: Partial<RequestRecord> = {},
) => {
  const base = validatedRecord('SUBMITTED', record);
  return {
    ...base,
    creation: creationOf(base.requestId, { submittedAt: minutesFromStart(-5), ...overrides }),
  };
};
const provisioning = (record: Partial<RequestRecord> = {}) => {
  const base = validatedRecord('PROVISIONING', record);
  return {
    ...base,
    creation: creationOf(base.requestId, { dealNames: ['deal-p'], instanceIds: ['pgro-1'] }),
  };
};
/** An UNKNOWN create that has been unknown for `minutes`. */
const unknown = (minutes: number) => {
  const base = validatedRecord('UNKNOWN', { unknownSince: minutesFromStart(-minutes) });
  return { ...base, creation: creationOf(base.requestId) };
};
const order = (deal: string, ids: string[]): Answer<'describeOrders'> => ({
  ok: { TotalCount: 1, Deals: [{ DealName: deal, DBInstanceIdSet: ids }] as never },
});
const PAST_DEADLINE = { deadline: minutesFromStart(-1) };

const rows: Row[] = [
  // SUBMITTED from a prepaid order: DealNames only, resolved with DescribeOrders.
  {
    name: 'continues from SUBMITTED (DealNames only): waits while the order has no instance yet',
    record: () => submitted({ dealNames: ['deal-1'] }),
    orders: { ok: { TotalCount: 1, Deals: [{ DealName: 'deal-1', DBInstanceIdSet: [] }] as never } },
    state: 'SUBMITTED',
  },
  {
    name: 'continues from SUBMITTED (DealNames only): resolves the order and records the replica applying',
    record: () => submitted({ dealNames: ['deal-1'] }),
    orders: order('deal-1', ['pgro-1']),
    replicas: [replica('pgro-1', 'applying')],
    state: 'PROVISIONING',
    stored: (record) => {
      expect(record.creation?.instanceIds).toEqual(['pgro-1']);
      expect(record.instances).toEqual([{ instanceId: 'pgro-1', status: 'applying' }]);
    },
  },
  {
    name: 'continues from SUBMITTED (DealNames only): resolves the order and ends READY when the replica runs',
    record: () => submitted({ dealNames: ['deal-1'] }),
    orders: order('deal-1', ['pgro-1']),
    replicas: [replica('pgro-1', 'running')],
    state: 'READY',
    stored: { instances: [{ instanceId: 'pgro-1', status: 'running', privateIp: '10.0.0.8', port: 5432 }] },
  },
  {
    name: 'continues from SUBMITTED (DealNames only): resolves the order and ends FAILED when the replica is isolated',
    record: () => submitted({ dealNames: ['deal-1'] }),
    orders: order('deal-1', ['pgro-1']),
    replicas: [replica('pgro-1', 'isolated')],
    state: 'FAILED',
    stored: {
      failure: { code: 'ProvisioningFailed', message: 'Replica pgro-1 ended isolated while provisioning' },
    },
  },
  {
    name: 'continues from SUBMITTED (DealNames only): keeps the resolved ids when the replica is not visible yet',
    record: () => submitted({ dealNames: ['deal-1'] }),
    orders: order('deal-1', ['pgro-1']),
    replicas: [],
    state: 'PROVISIONING',
    stored: (record) => expect(record.creation?.instanceIds).toEqual(['pgro-1']),
  },
  {
    name: 'continues from SUBMITTED (DealNames only): a throttled DescribeOrders leaves it for the next cycle',
    record: () => submitted({ dealNames: ['deal-1'] }),
    orders: { fail: failure.throttled() },
    state: 'SUBMITTED',
  },
  {
    name: 'continues from SUBMITTED (DealNames only): ends TIMED_OUT past its deadline while the order never resolves',
    record: () => submitted({ dealNames: ['deal-1'] }, PAST_DEADLINE),
    orders: { ok: { TotalCount: 1, Deals: [{ DealName: 'deal-1', DBInstanceIdSet: [] }] as never } },
    state: 'TIMED_OUT',
    stored: {
      failure: { code: 'ProvisioningTimedOut', message: expect.stringContaining('Order deal-1') as string },
    },
  },
  {
    name: 'continues from SUBMITTED (DealNames only): past its deadline, a throttled DescribeOrders leaves it for the next cycle',
    record: () => submitted({ dealNames: ['deal-1'] }, PAST_DEADLINE),
    orders: { fail: failure.throttled() },
    state: 'SUBMITTED',
  },
  {
    name: 'continues from SUBMITTED (DealNames only): past its deadline, an order resolving to a running replica ends READY',
    record: () => submitted({ dealNames: ['deal-1'] }, PAST_DEADLINE),
    orders: order('deal-1', ['pgro-1']),
    replicas: [replica('pgro-1', 'running')],
    state: 'READY',
  },
  // SUBMITTED with instance ids from the create answer.
  ...(
    [
      ['applying', 'PROVISIONING'],
      ['initing', 'PROVISIONING'],
      ['running', 'READY'],
      ['isolated', 'FAILED'],
      ['recycled', 'FAILED'],
    ] as const
  ).map(
    ([status, state]): Row => ({
      name: `continues from SUBMITTED (instance ids known): the replica ${status} → ${state}`,
      record: () => submitted({ dealNames: ['deal-1'], instanceIds: ['pgro-1'] }),
      replicas: [replica('pgro-1', status)],
      state,
    }),
  ),
  {
    name: 'continues from SUBMITTED (instance ids known): waits while the replica is not visible yet',
    record: () => submitted({ dealNames: ['deal-1'], instanceIds: ['pgro-1'] }),
    replicas: [],
    state: 'SUBMITTED',
  },
  {
    name: 'continues from SUBMITTED (instance ids known): ends TIMED_OUT past its deadline while not running',
    record: () => submitted({ dealNames: ['deal-1'], instanceIds: ['pgro-1'] }, PAST_DEADLINE),
    replicas: [replica('pgro-1', 'initing')],
    state: 'TIMED_OUT',
    stored: { failure: { code: 'ProvisioningTimedOut', message: expect.any(String) as string } },
  },
  // PROVISIONING.
  ...(
    [
      ['applying', 'PROVISIONING'],
      ['initing', 'PROVISIONING'],
      ['running', 'READY'],
      ['isolating', 'FAILED'],
      ['offline', 'FAILED'],
    ] as const
  ).map(
    ([status, state]): Row => ({
      name: `continues from PROVISIONING: the replica ${status} → ${state}`,
      record: () => provisioning(),
      replicas: [replica('pgro-1', status)],
      state,
    }),
  ),
  {
    name: 'continues from PROVISIONING: stays while the replica is not found',
    record: () => provisioning(),
    replicas: [],
    state: 'PROVISIONING',
  },
  {
    name: 'continues from PROVISIONING: a failed DescribeDBInstances leaves it for the next cycle',
    record: () => provisioning(),
    replicas: { fail: failure.timeout() },
    state: 'PROVISIONING',
  },
  {
    name: 'continues from PROVISIONING: ends TIMED_OUT past its deadline when the replica is not found',
    record: () => provisioning(PAST_DEADLINE),
    replicas: [],
    state: 'TIMED_OUT',
  },
  {
    name: 'continues from PROVISIONING: ends READY past its deadline when the replica runs after all',
    record: () => provisioning(PAST_DEADLINE),
    replicas: [replica('pgro-1', 'running')],
    state: 'READY',
  },
  // UNKNOWN: reconciliation by tag and name.
  {
    name: 'continues from UNKNOWN: adopts the replica reconciliation finds by its tag',
    record: () => unknown(1),
    replicas: ['TAGGED'] as never,
    state: 'SUBMITTED',
    stored: (record) => {
      expect(record.creation).toMatchObject({ instanceIds: ['pgro-found'], source: 'reconciliation' });
      expect(record.unknownSince).toBeUndefined();
    },
  },
  {
    name: 'continues from UNKNOWN: keeps waiting when reconciliation finds nothing inside the visibility window',
    record: () => unknown(1),
    replicas: [],
    state: 'UNKNOWN',
  },
  {
    name: 'continues from UNKNOWN: re-issues the create once when nothing is found after the visibility window',
    record: () => unknown(GRACE_MS / 60_000 + 1),
    replicas: [],
    state: 'VALIDATED',
    createQueued: 1,
    stored: (record) => expect(record.unknownSince).toBeUndefined(),
  },
  {
    name: "continues from UNKNOWN: ignores a replica of the same name tagged with another request's id",
    record: () => unknown(GRACE_MS / 60_000 + 1),
    replicas: ['TAGGED_OTHER'] as never,
    state: 'VALIDATED',
    createQueued: 1,
  },
  {
    name: 'continues from UNKNOWN: a throttled reconciliation re-issues nothing, even after the window',
    record: () => unknown(GRACE_MS / 60_000 + 1),
    replicas: { fail: failure.throttled() },
    state: 'UNKNOWN',
  },
  {
    name: 'continues from UNKNOWN past its deadline with nothing found after the window: ends TIMED_OUT instead of re-issuing the create',
    record: () => ({ ...unknown(GRACE_MS / 60_000 + 1), ...PAST_DEADLINE }),
    replicas: [],
    state: 'TIMED_OUT',
    createQueued: 0,
    stored: {
      failure: {
        code: 'ProvisioningTimedOut',
        message: expect.stringContaining(
          'outcome stayed unknown and nothing was found by its tag and name',
        ) as string,
      },
    },
  },
  {
    name: 'continues from UNKNOWN past its deadline: still adopts the replica reconciliation finds by its tag',
    record: () => ({ ...unknown(GRACE_MS / 60_000 + 1), ...PAST_DEADLINE }),
    replicas: ['TAGGED'] as never,
    state: 'SUBMITTED',
    stored: (record) => expect(record.creation?.instanceIds).toEqual(['pgro-found']),
  },
  {
    name: 'continues from UNKNOWN past its deadline: keeps waiting while nothing is found inside the visibility window',
    record: () => ({ ...unknown(1), ...PAST_DEADLINE }),
    replicas: [],
    state: 'UNKNOWN',
  },
  // VALIDATED: waiting for the create queue.
  {
    name: 'continues from VALIDATED before its deadline: leaves it to the create queue',
    record: () => validatedRecord('VALIDATED'),
    state: 'VALIDATED',
  },
  {
    name: 'continues from VALIDATED past its deadline: ends TIMED_OUT without a create call, nothing created',
    record: () => validatedRecord('VALIDATED', PAST_DEADLINE),
    state: 'TIMED_OUT',
    stored: {
      failure: {
        code: 'ProvisioningTimedOut',
        message: expect.stringContaining('nothing was created') as string,
      },
    },
  },
  // CREATING: the lease.
  {
    name: 'continues from CREATING with a live lease: leaves the caller to it',
    record: () => ({
      ...validatedRecord('CREATING', { lease: { owner: 'x', until: minutesFromStart(1) } }),
      creation: creationOf('x'),
    }),
    state: 'CREATING',
  },
  {
    name: 'continues from CREATING with an expired lease: moves it to UNKNOWN to be reconciled',
    record: () => ({
      ...validatedRecord('CREATING', { lease: { owner: 'x', until: minutesFromStart(-1) } }),
      creation: creationOf('x'),
    }),
    state: 'UNKNOWN',
    stored: (record) => {
      expect(record.lease).toBeUndefined();
      expect(record.unknownSince).toBe(minutesFromStart(0));
    },
  },
];

/** Replaces the markers for replicas found by reconciliation with the record's own name and tag. */
const replicasFor = (record: RequestRecord, replicas: Row['replicas']) => {
  if (!Array.isArray(replicas)) return replicas;
  const name = record.creation?.instanceName ?? '';
  return replicas.map((entry) =>
    (entry as unknown) === 'TAGGED'
      ? replica('pgro-found', 'initing', { name, requestId: record.requestId })
      : (entry as unknown) === 'TAGGED_OTHER'
        ? replica('pgro-other', 'initing', { name, requestId: 'r-someone-else' })
        : entry,
  );
};

const poll = async (row: Row) => {
  const ports = corePorts();
  const record = row.record();
  ports.store.records.set(record.requestId, record);
  if (row.orders) ports.tencent.otherwise('describeOrders', row.orders);
  const replicas = replicasFor(record, row.replicas);
  if (Array.isArray(replicas)) ports.tencent.otherwise('describeDBInstances', describeFrom(replicas));
  else if (replicas)
    ports.tencent.otherwise('describeDBInstances', replicas as Answer<'describeDBInstances'>);
  const report = await pollInFlight({
    ...ports,
    visibilityGraceMs: GRACE_MS,
    requeueAfterMs: 60 * 60_000,
    lockMs: 30_000,
    owner: 'poller',
  });
  return { ...ports, report, record, stored: (await ports.store.get(record.requestId)) as RequestRecord };
};

describe('pollInFlight, from each in-flight state, for each Tencent answer', () => {
  it.each(rows)('$name', async (row) => {
    const { stored, queue, tencent } = await poll(row);

    expect(stored.state).toBe(row.state);
    if (typeof row.stored === 'function') row.stored(stored);
    else if (row.stored) expect(stored).toMatchObject(row.stored);
    const type = WEBHOOK_TYPES[row.state];
    expect(queue.bodiesTo('notify')).toEqual(
      type ? [expect.objectContaining({ requestId: stored.requestId, type })] : [],
    );
    if (type) expect(stored.notification).toMatchObject({ type, status: 'ENQUEUED' });
    expect(queue.bodiesTo('create')).toEqual(
      Array.from({ length: row.createQueued ?? 0 }, () => ({ requestId: stored.requestId })),
    );
    expect(tencent.callsOf('createReadOnlyDBInstance')).toEqual([]);
  });

  it('continues from UNKNOWN: searches by the instance name and the request-id tag, never by id alone', async () => {
    const { tencent, record } = await poll(rows.find((row) => row.state === 'UNKNOWN') as Row);

    expect(tencent.callsOf('describeDBInstances')[0]?.request.Filters).toEqual([
      { Name: 'db-instance-name', Values: [record.creation?.instanceName] },
      { Name: 'db-tag-key', Values: [expect.stringContaining('request-id')] },
    ]);
  });

  it('continues from UNKNOWN with two replicas planned: waits for both inside the window, adopts what it found after it', async () => {
    const ports = corePorts();
    const base = validatedRecord('UNKNOWN', { unknownSince: minutesFromStart(-1) }, 2);
    const record = { ...base, creation: creationOf(base.requestId) };
    ports.store.records.set(record.requestId, record);
    const found = replica('pgro-a', 'initing', {
      name: record.creation.instanceName,
      requestId: record.requestId,
    });
    ports.tencent.otherwise('describeDBInstances', describeFrom([found]));
    const deps = { ...ports, visibilityGraceMs: GRACE_MS, requeueAfterMs: 3_600_000, lockMs: 30_000 };

    await pollInFlight(deps);
    const inside = (await ports.store.get(record.requestId))?.state;
    ports.clock.advance(GRACE_MS);
    await pollInFlight(deps);

    expect(inside).toBe('UNKNOWN');
    expect(await ports.store.get(record.requestId)).toMatchObject({
      state: 'SUBMITTED',
      creation: { instanceIds: ['pgro-a'] },
    });
  });

  it('continues from a terminal record whose notification is PENDING: starts its one retry chain', async () => {
    const ports = corePorts();
    const record = validatedRecord('READY', { notification: notification('PENDING') });
    ports.store.records.set(record.requestId, record);

    const report = await pollInFlight({
      ...ports,
      visibilityGraceMs: GRACE_MS,
      requeueAfterMs: 3_600_000,
      lockMs: 30_000,
    });

    expect(report.notificationsQueued).toBe(1);
    expect(ports.queue.bodiesTo('notify')).toEqual([
      expect.objectContaining({ requestId: record.requestId, webhookId: record.notification?.webhookId }),
    ]);
    expect(ports.tencent.calls).toEqual([]);
  });

  it('skips the whole cycle while another poller holds the run lock', async () => {
    const ports = corePorts();
    const record = provisioning();
    ports.store.records.set(record.requestId, record);
    await ports.store.acquireLock(
      'poller',
      'other',
      new Date(Date.parse(minutesFromStart(1))),
      ports.clock.now(),
    );

    const report = await pollInFlight({
      ...ports,
      visibilityGraceMs: GRACE_MS,
      requeueAfterMs: 3_600_000,
      lockMs: 30_000,
    });

    expect(report.skipped).toBe(true);
    expect(ports.tencent.calls).toEqual([]);
  });
});
