import type { DBInstance } from 'tencentcloud-sdk-nodejs/tencentcloud/services/postgres/v20170312/postgres_models.js';
import { describe, expect, it } from 'vitest';
import { DEPLOYMENT_TAG_KEY } from '#shared/domain/deployment-identity.ts';
import { REQUEST_TAG_KEY } from '#shared/domain/idempotency.ts';
import { parsePolicy } from '#shared/domain/policy-loader.ts';
import type { RemovalDetails } from '#shared/domain/removal-request.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import type { RequestState } from '#shared/domain/request-state.ts';
import { scaleOutMarkerName } from '#shared/domain/scale-out-marker.ts';
import { createReplica } from '#shared/use-cases/create-replica.ts';
import { pollInFlight } from '#shared/use-cases/poll-in-flight.ts';
import { fleetActivityOf, removalMarkerName, takeFleetMarkers } from '#shared/use-cases/removal-sequence.ts';
import { removeReplica } from '#shared/use-cases/remove-replica.ts';
import { validateRequest } from '#shared/use-cases/validate-request.ts';
import { taggedReplica } from '#test/fixtures/replica-instances.ts';
import { FIXTURE_TIME, requestRecord } from '#test/fixtures/request-records.ts';
import { corePorts, minutesFromStart, validatedRecord } from '#test/support/core-harness.ts';
import { type Failure, failure } from '#test/support/scripted-tencent.ts';

/**
 * The removal steps against a scripted Tencent whose answers follow a small world (one replica's
 * status, group and tags): each step × each Tencent outcome, and the safety rules at step time.
 */

const PRIMARY = 'postgres-abcdef';
const REPLICA = 'pgro-ab12cd34';
const REGION = 'ap-beijing';

interface World {
  instance: DBInstance | undefined;
  group: string | undefined;
  task?: { TaskId: number; Status: string };
}

const ours = (overrides: Partial<DBInstance> = {}): DBInstance =>
  taggedReplica(REPLICA, { CreateTime: '2026-11-29 09:00:00', ...overrides });

/** Ports whose Tencent answers from `world`; `script` queues a failure for the next call of a mutating step. */
const setup = (world: World) => {
  const ports = corePorts();
  const tencent = ports.tencent;
  tencent.otherwise('describeDBInstances', (request) => {
    const ids = request.Filters?.find((filter) => filter.Name === 'db-instance-id')?.Values;
    const set =
      world.instance && (!ids || ids.includes(world.instance.DBInstanceId ?? '')) ? [world.instance] : [];
    return { DBInstanceSet: set, TotalCount: set.length };
  });
  tencent.otherwise('describeReadOnlyGroups', () => ({
    ReadOnlyGroupList: world.group
      ? [{ ReadOnlyGroupId: world.group, ReadOnlyDBInstanceList: world.instance ? [world.instance] : [] }]
      : [],
  }));
  tencent.otherwise('describeTasks', () => ({
    TaskSet: world.task
      ? [{ ...world.task, TaskType: 'RemoveDBInstanceFromReadOnlyGroup', DBInstanceId: REPLICA }]
      : [],
  }));
  tencent.otherwise('removeDBInstanceFromReadOnlyGroup', () => {
    world.task = { TaskId: 77, Status: 'Running' };
    return { TaskId: 77, FlowId: 77 };
  });
  tencent.otherwise('isolateDBInstances', () => {
    world.instance = { ...(world.instance as DBInstance), DBInstanceStatus: 'isolating' };
    return {};
  });
  tencent.otherwise('destroyDBInstance', () => {
    world.instance = { ...(world.instance as DBInstance), DBInstanceStatus: 'offline' };
    return {};
  });
  tencent.otherwise('modifyDBInstanceDeletionProtection', () => {
    world.instance = { ...(world.instance as DBInstance), DeletionProtection: false };
    return {};
  });
  const deps = { ...ports, leaseMs: 60_000, owner: 'worker-1' };
  return { ...ports, deps };
};

const removal = (overrides: Partial<RemovalDetails> = {}): RemovalDetails => ({
  trigger: { kind: 'api', role: 'submitter' },
  target: { instanceId: REPLICA, region: REGION, payType: 'postpaid' },
  destroy: 'immediate',
  ...overrides,
});

const removalRecord = (state: RequestState, overrides: Partial<RequestRecord> = {}): RequestRecord => {
  const { plan: _plan, ...base } = validatedRecord(state);
  return {
    ...base,
    kind: 'removal',
    request: { MasterDBInstanceId: PRIMARY, idempotencyKey: base.idempotencyKey, requester: base.requester },
    removal: removal(),
    ...overrides,
  };
};

const stored = async (store: ReturnType<typeof corePorts>['store'], record: RequestRecord) => {
  await store.putNew(record);
  return record;
};

const mutating = [
  'removeDBInstanceFromReadOnlyGroup',
  'isolateDBInstances',
  'destroyDBInstance',
  'modifyDBInstanceDeletionProtection',
] as const;

const mutatingCalls = (tencent: ReturnType<typeof corePorts>['tencent']) =>
  tencent.calls
    .filter((call) => (mutating as readonly string[]).includes(call.method))
    .map((call) => call.method);

describe('removal steps × Tencent outcomes', () => {
  it('isolates a running replica outside any group: VALIDATED → DRAINING → ISOLATING', async () => {
    const world: World = { instance: ours(), group: undefined };
    const { store, tencent, deps } = setup(world);
    const record = await stored(store, removalRecord('VALIDATED'));

    await expect(removeReplica(record, deps)).resolves.toBe('submitted');

    expect(store.records.get(record.requestId)?.state).toBe('ISOLATING');
    expect(mutatingCalls(tencent)).toEqual(['isolateDBInstances']);
    expect(store.records.get(record.requestId)?.history.map((entry) => entry.state)).toContain('DRAINING');
  });

  it.each<[string, Failure, RequestState, string]>([
    [
      'a business error ends it REMOVAL_FAILED with the code',
      failure.business('InvalidParameterValue.IllegalInstanceChargeType'),
      'REMOVAL_FAILED',
      'failed',
    ],
    ['throttling leaves it DRAINING for a retry', failure.throttled(), 'DRAINING', 'retry'],
    ['a refused connection leaves it DRAINING for a retry', failure.refused(), 'DRAINING', 'retry'],
  ])('isolate: %s', async (_, answer, state, outcome) => {
    const world: World = { instance: ours(), group: undefined };
    const { store, tencent, deps } = setup(world);
    tencent.script('isolateDBInstances', { fail: answer });
    const record = await stored(store, removalRecord('DRAINING'));

    await expect(removeReplica(record, deps)).resolves.toBe(outcome);

    const after = store.records.get(record.requestId);
    expect(after?.state).toBe(state);
    if (state === 'REMOVAL_FAILED') {
      expect(after?.failure?.code).toBe(answer.code);
      expect(after?.notification?.type).toBe('replica.removal_failed');
    }
  });

  it('isolate with an unknown outcome that did apply: read back isolating, ISOLATING, no second call', async () => {
    const world: World = { instance: ours(), group: undefined };
    const { store, tencent, deps } = setup(world);
    tencent.script('isolateDBInstances', () => {
      world.instance = { ...(world.instance as DBInstance), DBInstanceStatus: 'isolating' };
      return failure.timeout();
    });
    const record = await stored(store, removalRecord('DRAINING'));

    await removeReplica(record, deps);

    expect(store.records.get(record.requestId)?.state).toBe('ISOLATING');
    expect(mutatingCalls(tencent)).toEqual(['isolateDBInstances']);
  });

  it('isolate with an unknown outcome that did not apply: stays DRAINING; a later delivery re-reads, then isolates once more', async () => {
    const world: World = { instance: ours(), group: undefined };
    const { store, tencent, clock, deps } = setup(world);
    tencent.script('isolateDBInstances', { fail: failure.timeout() });
    const record = await stored(store, removalRecord('DRAINING'));

    await expect(removeReplica(record, deps)).resolves.toBe('unknown');
    expect(store.records.get(record.requestId)?.state).toBe('DRAINING');
    // A duplicate delivery within the claim does not call again.
    await expect(
      removeReplica(store.records.get(record.requestId) as RequestRecord, { ...deps, owner: 'worker-2' }),
    ).resolves.toBe('skipped');
    expect(mutatingCalls(tencent)).toEqual(['isolateDBInstances']);

    clock.advance(61_000);
    await removeReplica(store.records.get(record.requestId) as RequestRecord, { ...deps, owner: 'worker-2' });

    expect(store.records.get(record.requestId)?.state).toBe('ISOLATING');
    expect(mutatingCalls(tencent)).toEqual(['isolateDBInstances', 'isolateDBInstances']);
  });

  it('already isolated when the worker comes back: ISOLATING without a call', async () => {
    const world: World = { instance: ours({ DBInstanceStatus: 'isolated' }), group: undefined };
    const { store, tencent, deps } = setup(world);
    const record = await stored(store, removalRecord('DRAINING'));

    await removeReplica(record, deps);

    expect(store.records.get(record.requestId)?.state).toBe('ISOLATING');
    expect(mutatingCalls(tencent)).toEqual([]);
  });

  it('leaves its read-only group first and waits for the task; isolates once the task ended', async () => {
    const world: World = { instance: ours(), group: 'pgrogrp-aaaa1111' };
    const { store, tencent, deps } = setup(world);
    const record = await stored(store, removalRecord('VALIDATED'));

    await expect(removeReplica(record, deps)).resolves.toBe('skipped');
    const draining = store.records.get(record.requestId) as RequestRecord;
    expect(draining.state).toBe('DRAINING');
    expect(draining.removal?.groupTask).toMatchObject({ taskId: 77, readOnlyGroupId: 'pgrogrp-aaaa1111' });

    // The task still runs: nothing is called again.
    await removeReplica(draining, deps);
    expect(mutatingCalls(tencent)).toEqual(['removeDBInstanceFromReadOnlyGroup']);

    world.task = { TaskId: 77, Status: 'Success' };
    world.group = undefined;
    await removeReplica(store.records.get(record.requestId) as RequestRecord, deps);

    expect(store.records.get(record.requestId)?.state).toBe('ISOLATING');
    expect(mutatingCalls(tencent)).toEqual(['removeDBInstanceFromReadOnlyGroup', 'isolateDBInstances']);
  });

  it('a leave task that ended between the group read and the task read is not sent again', async () => {
    // The group listing still showed the replica a moment before its recorded leave task succeeded.
    const world: World = {
      instance: ours(),
      group: 'pgrogrp-aaaa1111',
      task: { TaskId: 77, Status: 'Success' },
    };
    const { store, tencent, deps } = setup(world);
    const record = await stored(
      store,
      removalRecord('DRAINING', {
        removal: removal({
          groupTask: { taskId: 77, readOnlyGroupId: 'pgrogrp-aaaa1111', sentAt: FIXTURE_TIME },
        }),
      }),
    );

    await expect(removeReplica(record, deps)).resolves.toBe('skipped');
    world.group = undefined;
    await removeReplica(store.records.get(record.requestId) as RequestRecord, deps);

    expect(mutatingCalls(tencent)).toEqual(['isolateDBInstances']);
    expect(store.records.get(record.requestId)?.state).toBe('ISOLATING');
  });

  it('a group leave with an unknown outcome is found as a running task, never sent twice', async () => {
    const world: World = { instance: ours(), group: 'pgrogrp-aaaa1111' };
    const { store, tencent, clock, deps } = setup(world);
    tencent.script('removeDBInstanceFromReadOnlyGroup', () => {
      world.task = { TaskId: 91, Status: 'Running' };
      return failure.reset();
    });
    const record = await stored(store, removalRecord('DRAINING'));

    await removeReplica(record, deps);
    clock.advance(61_000);
    await removeReplica(store.records.get(record.requestId) as RequestRecord, { ...deps, owner: 'worker-2' });

    expect(mutatingCalls(tencent)).toEqual(['removeDBInstanceFromReadOnlyGroup']);
    expect(store.records.get(record.requestId)?.removal?.groupTask?.taskId).toBe(91);
  });

  it('a failed group task ends the removal REMOVAL_FAILED, the replica untouched', async () => {
    const world: World = { instance: ours(), group: 'pgrogrp-aaaa1111', task: { TaskId: 5, Status: 'Fail' } };
    const { store, tencent, deps } = setup(world);
    const record = await stored(
      store,
      removalRecord('DRAINING', {
        removal: removal({
          groupTask: { taskId: 5, readOnlyGroupId: 'pgrogrp-aaaa1111', sentAt: FIXTURE_TIME },
        }),
      }),
    );

    await removeReplica(record, deps);

    expect(store.records.get(record.requestId)?.state).toBe('REMOVAL_FAILED');
    expect(mutatingCalls(tencent)).toEqual([]);
  });

  it('lifts deletion protection of its own replica before isolating it', async () => {
    const world: World = { instance: ours({ DeletionProtection: true }), group: undefined };
    const { store, tencent, deps } = setup(world);
    const record = await stored(store, removalRecord('DRAINING'));

    await removeReplica(record, deps);
    await removeReplica(store.records.get(record.requestId) as RequestRecord, deps);

    expect(mutatingCalls(tencent)).toEqual(['modifyDBInstanceDeletionProtection', 'isolateDBInstances']);
    expect(store.records.get(record.requestId)?.state).toBe('ISOLATING');
  });

  it.each<[string, Partial<DBInstance>, string]>([
    [
      'its deployment tag is gone',
      { TagList: [{ TagKey: REQUEST_TAG_KEY, TagValue: 'r-0123456789abcdef' }] },
      'foreign-instance',
    ],
    [
      'another deployment tagged it',
      {
        TagList: [
          { TagKey: REQUEST_TAG_KEY, TagValue: 'r-1' },
          { TagKey: DEPLOYMENT_TAG_KEY, TagValue: 'replica-flow-prod' },
        ],
      },
      'foreign-instance',
    ],
    ['it is a primary', { DBInstanceType: 'primary' }, 'primary-instance'],
    ['it became prepaid', { PayType: 'prepaid' }, 'prepaid-needs-admin'],
    ['it replicates another primary', { MasterDBInstanceId: 'postgres-zzzzzz' }, 'other-primary'],
  ])(
    'refuses at step time, whatever validate saw, when %s: REMOVAL_FAILED, no call',
    async (_, change, code) => {
      const world: World = { instance: ours(change), group: undefined };
      const { store, tencent, deps } = setup(world);
      const record = await stored(store, removalRecord('DRAINING'));

      await removeReplica(record, deps);

      expect(store.records.get(record.requestId)).toMatchObject({
        state: 'REMOVAL_FAILED',
        failure: { code },
      });
      expect(mutatingCalls(tencent)).toEqual([]);
    },
  );

  it.each<[string, Failure | undefined, DBInstance['DBInstanceStatus'], RequestState]>([
    ['accepted: DESTROYED', undefined, 'offline', 'DESTROYED'],
    ['unknown outcome, read back offline: DESTROYED', failure.internalError(), 'offline', 'DESTROYED'],
    ['unknown outcome, read back still isolated: stays ISOLATED', failure.timeout(), 'isolated', 'ISOLATED'],
    [
      'a business error: REMOVAL_FAILED',
      failure.business('InvalidParameterValue.IllegalInstanceChargeType'),
      'isolated',
      'REMOVAL_FAILED',
    ],
  ])('destroy (policy immediate): %s', async (_, answer, after, state) => {
    const world: World = { instance: ours({ DBInstanceStatus: 'isolated' }), group: undefined };
    const { store, tencent, deps } = setup(world);
    if (answer) {
      tencent.script('destroyDBInstance', () => {
        world.instance = { ...(world.instance as DBInstance), DBInstanceStatus: after };
        return answer;
      });
    }
    const record = await stored(store, removalRecord('ISOLATED'));

    await removeReplica(record, deps);

    const stateAfter = store.records.get(record.requestId);
    expect(stateAfter?.state).toBe(state);
    expect(mutatingCalls(tencent)).toEqual(['destroyDBInstance']);
    if (state === 'DESTROYED') expect(stateAfter?.notification?.type).toBe('replica.removed');
  });

  it('already gone when destroy comes back: DESTROYED without a call', async () => {
    const { store, tencent, deps } = setup({ instance: undefined, group: undefined });
    const record = await stored(store, removalRecord('ISOLATED'));

    await removeReplica(record, deps);

    expect(store.records.get(record.requestId)?.state).toBe('DESTROYED');
    expect(mutatingCalls(tencent)).toEqual([]);
  });

  it('policy recycle-bin: REMOVED with replica.removed, no DestroyDBInstance', async () => {
    const { store, tencent, deps } = setup({
      instance: ours({ DBInstanceStatus: 'isolated' }),
      group: undefined,
    });
    const record = await stored(
      store,
      removalRecord('ISOLATED', { removal: removal({ destroy: 'recycle-bin' }) }),
    );

    await removeReplica(record, deps);

    expect(store.records.get(record.requestId)).toMatchObject({
      state: 'REMOVED',
      notification: { type: 'replica.removed' },
    });
    expect(tencent.calls).toEqual([]);
  });
});

describe('removal steps: what ends a delivery without a call', () => {
  it('Tencent no longer lists the replica while draining: REMOVAL_FAILED instance-not-found, no call', async () => {
    const { store, tencent, deps } = setup({ instance: undefined, group: undefined });
    const record = await stored(store, removalRecord('DRAINING'));

    await expect(removeReplica(record, deps)).resolves.toBe('failed');

    expect(store.records.get(record.requestId)).toMatchObject({
      state: 'REMOVAL_FAILED',
      failure: { code: 'instance-not-found' },
    });
    expect(mutatingCalls(tencent)).toEqual([]);
  });

  it.each<[string, RequestState, World]>([
    [
      'lifting deletion protection',
      'DRAINING',
      { instance: ours({ TagList: [], DeletionProtection: true }), group: undefined },
    ],
    ['leaving its group', 'DRAINING', { instance: ours({ TagList: [] }), group: 'pgrogrp-aaaa1111' }],
    [
      'destroying it',
      'ISOLATED',
      { instance: ours({ TagList: [], DBInstanceStatus: 'isolated' }), group: undefined },
    ],
  ])(
    'refuses a foreign instance at step time before %s: REMOVAL_FAILED, no call',
    async (_, state, world) => {
      const { store, tencent, deps } = setup(world);
      const record = await stored(store, removalRecord(state));

      await expect(removeReplica(record, deps)).resolves.toBe('failed');

      expect(store.records.get(record.requestId)).toMatchObject({
        state: 'REMOVAL_FAILED',
        failure: { code: 'foreign-instance' },
      });
      expect(mutatingCalls(tencent)).toEqual([]);
    },
  );

  it.each<[string, RequestState, World]>([
    [
      'lifting deletion protection',
      'DRAINING',
      { instance: ours({ DeletionProtection: true }), group: undefined },
    ],
    ['leaving its group', 'DRAINING', { instance: ours(), group: 'pgrogrp-aaaa1111' }],
    ['destroying it', 'ISOLATED', { instance: ours({ DBInstanceStatus: 'isolated' }), group: undefined }],
  ])('never calls Tencent for %s while another worker holds an unexpired claim', async (_, state, world) => {
    const { store, tencent, deps } = setup(world);
    const claim = { step: 'isolate' as const, owner: 'worker-2', until: minutesFromStart(1) };
    const record = await stored(store, removalRecord(state, { removal: removal({ claim }) }));

    await expect(removeReplica(record, deps)).resolves.toBe('skipped');

    expect(store.records.get(record.requestId)).toMatchObject({ state, version: record.version });
    expect(mutatingCalls(tencent)).toEqual([]);
  });

  it('never calls Tencent from a stale copy of the record: the claim’s conditional write loses', async () => {
    const { store, tencent, deps } = setup({ instance: ours(), group: undefined });
    const record = await stored(store, removalRecord('DRAINING'));
    await store.update({ requestId: record.requestId, expectedVersion: record.version, at: FIXTURE_TIME });

    await expect(removeReplica(record, deps)).resolves.toBe('skipped');

    expect(mutatingCalls(tencent)).toEqual([]);
  });

  it('skips a VALIDATED delivery whose record another worker moved on (the lease write loses)', async () => {
    const { store, tencent, deps } = setup({ instance: ours(), group: undefined });
    const record = await stored(store, removalRecord('VALIDATED'));
    await store.update({ requestId: record.requestId, expectedVersion: record.version, at: FIXTURE_TIME });

    await expect(removeReplica(record, deps)).resolves.toBe('skipped');

    expect(store.records.get(record.requestId)?.state).toBe('VALIDATED');
    expect(tencent.calls).toEqual([]);
  });

  it('lets a store failure while claiming through, with no call made', async () => {
    const { store, tencent, deps } = setup({ instance: ours(), group: undefined });
    const record = await stored(store, removalRecord('DRAINING'));
    store.update = async () => {
      throw new Error('the table is unreachable');
    };

    await expect(removeReplica(record, deps)).rejects.toThrow('the table is unreachable');

    expect(mutatingCalls(tencent)).toEqual([]);
  });

  it.each<RequestState>(['ISOLATING', 'REMOVED', 'RECEIVED'])(
    'has no step to take for a removal %s: skipped, Tencent not asked',
    async (state) => {
      const { store, tencent, deps } = setup({ instance: ours(), group: undefined });
      const record = await stored(store, removalRecord(state));

      await expect(removeReplica(record, deps)).resolves.toBe('skipped');

      expect(tencent.calls).toEqual([]);
    },
  );

  it('hands a throttled read back for a retry, and lets an unexpected read error through', async () => {
    const { store, tencent, deps } = setup({ instance: ours(), group: undefined });
    const record = await stored(store, removalRecord('DRAINING'));
    tencent.script('describeDBInstances', { fail: failure.throttled() });

    await expect(removeReplica(record, deps)).resolves.toBe('retry');

    tencent.script('describeDBInstances', () => {
      throw new TypeError('a defect in the reader');
    });
    await expect(removeReplica(record, deps)).rejects.toThrow('a defect in the reader');
    expect(store.records.get(record.requestId)?.state).toBe('DRAINING');
    expect(mutatingCalls(tencent)).toEqual([]);
  });

  it('claims under a fresh owner of its own when none is given', async () => {
    const { store, deps } = setup({ instance: ours({ DeletionProtection: true }), group: undefined });
    const record = await stored(store, removalRecord('DRAINING'));

    await removeReplica(record, { ...deps, owner: undefined });

    const owner = store.records.get(record.requestId)?.removal?.claim?.owner;
    expect(owner).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('removal steps × Tencent outcomes of the group leave, the destroy and the calls that throw', () => {
  it.each<[string, Failure, RequestState, string]>([
    ['throttling leaves it DRAINING for a retry', failure.throttled(), 'DRAINING', 'retry'],
    [
      'a business error ends it REMOVAL_FAILED with the code',
      failure.business('InvalidParameterValue.IllegalInstanceChargeType'),
      'REMOVAL_FAILED',
      'failed',
    ],
  ])('leave group: %s', async (_, answer, state, outcome) => {
    const { store, tencent, deps } = setup({ instance: ours(), group: 'pgrogrp-aaaa1111' });
    tencent.script('removeDBInstanceFromReadOnlyGroup', { fail: answer });
    const record = await stored(store, removalRecord('DRAINING'));

    await expect(removeReplica(record, deps)).resolves.toBe(outcome);

    const after = store.records.get(record.requestId);
    expect(after?.state).toBe(state);
    expect(after?.removal?.groupTask).toBeUndefined();
    if (state === 'REMOVAL_FAILED') expect(after?.failure?.code).toBe(answer.code);
  });

  it('leave group answered without a task id: remembers task 0 and waits', async () => {
    const world: World = { instance: ours(), group: 'pgrogrp-aaaa1111' };
    const { store, tencent, deps } = setup(world);
    tencent.script('removeDBInstanceFromReadOnlyGroup', () => ({ FlowId: 1 }));
    const record = await stored(store, removalRecord('DRAINING'));

    await expect(removeReplica(record, deps)).resolves.toBe('skipped');

    expect(store.records.get(record.requestId)?.removal).toMatchObject({
      groupTask: { taskId: 0, readOnlyGroupId: 'pgrogrp-aaaa1111' },
      target: { readOnlyGroupId: 'pgrogrp-aaaa1111' },
    });
  });

  it('destroy throttled: stays ISOLATED for a retry', async () => {
    const { store, tencent, deps } = setup({
      instance: ours({ DBInstanceStatus: 'isolated' }),
      group: undefined,
    });
    tencent.script('destroyDBInstance', { fail: failure.throttled() });
    const record = await stored(store, removalRecord('ISOLATED'));

    await expect(removeReplica(record, deps)).resolves.toBe('retry');

    expect(store.records.get(record.requestId)?.state).toBe('ISOLATED');
  });

  it('an isolate that throws something other than a Tencent error is an unknown outcome: read back, never re-sent blindly', async () => {
    const { store, tencent, deps } = setup({ instance: ours(), group: undefined });
    tencent.script('isolateDBInstances', () => {
      throw new Error('socket closed mid-answer');
    });
    const record = await stored(store, removalRecord('DRAINING'));

    await expect(removeReplica(record, deps)).resolves.toBe('unknown');

    expect(store.records.get(record.requestId)?.state).toBe('DRAINING');
    expect(mutatingCalls(tencent)).toEqual(['isolateDBInstances']);
  });

  it('an alert’s removal recorded without a minimum is refused below-minimum before it takes the replica out of service', async () => {
    const { store, tencent, deps } = setup({ instance: ours(), group: undefined });
    const record = await stored(
      store,
      removalRecord('DRAINING', {
        removal: removal({ trigger: { kind: 'alert' } as RemovalDetails['trigger'] }),
      }),
    );

    await expect(removeReplica(record, deps)).resolves.toBe('failed');

    expect(store.records.get(record.requestId)).toMatchObject({
      state: 'REMOVAL_FAILED',
      failure: { code: 'below-minimum' },
    });
    expect(mutatingCalls(tencent)).toEqual([]);
  });
});

describe('the poller reads ISOLATING removals back', () => {
  const pollDeps = (ports: ReturnType<typeof setup>) => ({
    ...ports,
    visibilityGraceMs: 60_000,
    requeueAfterMs: 60_000,
    lockMs: 30_000,
  });

  it('moves an isolated replica ISOLATED and queues the destroy step; one DescribeDBInstances for 150 ids across two slices', async () => {
    const ports = setup({ instance: undefined, group: undefined });
    ports.tencent.otherwise('describeDBInstances', (request) => {
      const ids = request.Filters?.[0]?.Values ?? [];
      return {
        DBInstanceSet: ids.map((id) => ours({ DBInstanceId: id, DBInstanceStatus: 'isolated' })),
        TotalCount: ids.length,
      };
    });
    const records = Array.from({ length: 150 }, (_, index) =>
      removalRecord('ISOLATING', {
        removal: removal({
          target: {
            instanceId: `pgro-${String(index).padStart(8, '0')}`,
            region: REGION,
            payType: 'postpaid',
          },
        }),
      }),
    );
    for (const record of records) await ports.store.putNew(record);

    const report = await pollInFlight(pollDeps(ports));

    expect(report.calls.describeDBInstances).toBe(Math.ceil(150 / 100));
    expect(records.every((record) => ports.store.records.get(record.requestId)?.state === 'ISOLATED')).toBe(
      true,
    );
    expect(ports.queue.sent.filter((message) => message.queue === 'create')).toHaveLength(150);
  });

  it('hands a DRAINING removal waiting on its group task back to the worker every cycle, others only once stale', async () => {
    const ports = setup({ instance: ours(), group: undefined });
    const waiting = removalRecord('DRAINING', {
      removal: removal({
        groupTask: { taskId: 7, readOnlyGroupId: 'pgrogrp-aaaa1111', sentAt: FIXTURE_TIME },
      }),
    });
    const fresh = removalRecord('DRAINING');
    const stale = removalRecord('ISOLATED', { updatedAt: minutesFromStart(-5) });
    for (const record of [waiting, fresh, stale]) await ports.store.putNew(record);

    await pollInFlight(pollDeps(ports));

    const requeued = ports.queue.sent
      .filter((message) => message.queue === 'create')
      .map((message) => message.body);
    expect(requeued).toEqual(
      expect.arrayContaining([{ requestId: waiting.requestId }, { requestId: stale.requestId }]),
    );
    expect(requeued).not.toContainEqual({ requestId: fresh.requestId });
  });

  it('ends a removal whose replica is still running past the deadline REMOVAL_FAILED', async () => {
    const ports = setup({ instance: ours(), group: undefined });
    const record = removalRecord('ISOLATING', { deadline: minutesFromStart(-1) });
    await ports.store.putNew(record);

    await pollInFlight(pollDeps(ports));

    expect(ports.store.records.get(record.requestId)).toMatchObject({
      state: 'REMOVAL_FAILED',
      failure: { code: 'IsolationNotSeen' },
      notification: { type: 'replica.removal_failed' },
    });
  });
});

describe('kinds stay apart', () => {
  it('a removal record never reaches CREATING: the create worker runs its removal steps and never creates', async () => {
    const { store, tencent, deps } = setup({ instance: ours(), group: undefined });
    const record = await stored(store, removalRecord('VALIDATED'));

    await createReplica(record.requestId, deps);

    const states = store.records.get(record.requestId)?.history.map((entry) => entry.state);
    expect(states).not.toContain('CREATING');
    expect(states).toContain('DRAINING');
    expect(tencent.callsOf('createReadOnlyDBInstance')).toEqual([]);
  });

  it('a create record never reaches DRAINING: the removal steps refuse it untouched', async () => {
    const { store, tencent, deps } = setup({ instance: ours(), group: undefined });
    const record = await stored(store, validatedRecord('VALIDATED', { removal: removal() }));

    await expect(removeReplica(record, deps)).resolves.toBe('skipped');

    expect(store.records.get(record.requestId)).toMatchObject({
      state: 'VALIDATED',
      version: record.version,
    });
    expect(tencent.calls).toEqual([]);
  });
});

const POLICY = parsePolicy(
  `version: 1
regions: [ap-beijing]
specs: [pg.it.small2]
limits: { maxStorage: 500, maxInstanceCount: 2, maxReplicasPerPrimary: 3 }
primaries:
  postgres-abcdef:
    defaults: { Region: ap-beijing, Zone: ap-beijing-4 }
    scaleIn: { enabled: false, destroy: immediate }
`,
  'yaml',
);

describe('validating a removal', () => {
  const validateDeps = (ports: ReturnType<typeof setup>) => ({
    ...ports,
    markers: ports.store,
    policy: POLICY,
    callbackRules: { localMode: true, allowedHosts: [] },
    provisioningTimeoutMs: 3_600_000,
  });

  const received = (details: Partial<RemovalDetails> = {}, dryRun = false) => {
    const base = requestRecord();
    return {
      ...base,
      kind: 'removal' as const,
      request: {
        MasterDBInstanceId: PRIMARY,
        idempotencyKey: base.idempotencyKey,
        requester: base.requester,
        ...(dryRun ? { dryRun } : {}),
      },
      removal: { trigger: { kind: 'api' as const, role: 'submitter' as const }, ...details },
    };
  };

  it('picks its own replica, takes both markers, records target and destroy mode, queues the steps', async () => {
    const ports = setup({ instance: ours(), group: undefined });
    const record = received();
    await ports.store.putNew(record);

    await expect(validateRequest(record.requestId, validateDeps(ports))).resolves.toBe('validated');

    expect(ports.store.records.get(record.requestId)).toMatchObject({
      state: 'VALIDATED',
      removal: { target: { instanceId: REPLICA, payType: 'postpaid', region: REGION }, destroy: 'immediate' },
    });
    expect(await ports.store.getMarker(removalMarkerName(REPLICA), ports.clock.now())).toBeDefined();
    expect(await ports.store.getMarker(scaleOutMarkerName(PRIMARY), ports.clock.now())).toBeDefined();
    expect(ports.queue.sent).toContainEqual(expect.objectContaining({ queue: 'create' }));
  });

  it.each<[string, DBInstance | undefined, Partial<RemovalDetails>, RequestState, string]>([
    [
      'a named foreign instance',
      ours({ TagList: [] }),
      { DBInstanceId: REPLICA },
      'REJECTED',
      'removal.foreignInstance',
    ],
    [
      'a prepaid replica from a submitter key',
      ours({ PayType: 'prepaid' }),
      { DBInstanceId: REPLICA },
      'REJECTED',
      'removal.prepaidNeedsAdmin',
    ],
    ['a primary with no replica of ours', ours({ TagList: [] }), {}, 'REJECTED', 'removal.nothingToRemove'],
    [
      'a named replica Tencent does not list',
      undefined,
      { DBInstanceId: REPLICA },
      'REJECTED',
      'removal.instanceNotFound',
    ],
  ])(
    'refuses %s with a named rule and replica.removal_suppressed',
    async (_, instance, details, state, rule) => {
      const ports = setup({ instance, group: undefined });
      const record = received(details);
      await ports.store.putNew(record);

      await validateRequest(record.requestId, validateDeps(ports));

      expect(ports.store.records.get(record.requestId)).toMatchObject({
        state,
        violations: [expect.objectContaining({ rule })],
        notification: { type: 'replica.removal_suppressed' },
      });
      expect(mutatingCalls(ports.tencent)).toEqual([]);
    },
  );

  it('lets an admin key remove a prepaid replica it names', async () => {
    const ports = setup({ instance: ours({ PayType: 'prepaid' }), group: undefined });
    const record = received({ DBInstanceId: REPLICA, trigger: { kind: 'api', role: 'admin' } });
    await ports.store.putNew(record);

    await expect(validateRequest(record.requestId, validateDeps(ports))).resolves.toBe('validated');
  });

  it('never starts two removals of one replica: the second is SUPPRESSED removal.alreadyRemoving', async () => {
    const ports = setup({ instance: ours(), group: undefined });
    const first = received({ DBInstanceId: REPLICA });
    const second = received({ DBInstanceId: REPLICA });
    await ports.store.putNew(first);
    await ports.store.putNew(second);

    await validateRequest(first.requestId, validateDeps(ports));
    // The primary's sequence marker has run out; the replica's has not.
    ports.clock.advance(61_000);
    await validateRequest(second.requestId, validateDeps(ports));

    expect(ports.store.records.get(second.requestId)).toMatchObject({
      state: 'SUPPRESSED',
      violations: [
        expect.objectContaining({ rule: expect.stringMatching(/^removal\.(alreadyRemoving|primaryBusy)$/) }),
      ],
    });
    expect(ports.store.records.get(first.requestId)?.state).toBe('VALIDATED');
  });

  it('does not start a removal while a create of the primary is in flight (one sequence per primary)', async () => {
    const ports = setup({ instance: ours(), group: undefined });
    await ports.store.putNew(validatedRecord('SUBMITTED'));
    const record = received();
    await ports.store.putNew(record);

    await validateRequest(record.requestId, validateDeps(ports));

    expect(ports.store.records.get(record.requestId)).toMatchObject({
      state: 'SUPPRESSED',
      violations: [expect.objectContaining({ rule: 'removal.primaryBusy' })],
    });
  });

  it('a dry run shows the replica it would remove and takes no marker', async () => {
    const ports = setup({ instance: ours(), group: undefined });
    const record = received({}, true);
    await ports.store.putNew(record);

    await expect(validateRequest(record.requestId, validateDeps(ports))).resolves.toBe('dry-run');

    expect(ports.store.records.get(record.requestId)).toMatchObject({
      state: 'DRY_RUN',
      removal: { target: { instanceId: REPLICA } },
      notification: { type: 'replica.dry_run' },
    });
    expect(await ports.store.getMarker(removalMarkerName(REPLICA), ports.clock.now())).toBeUndefined();
  });
});

describe('one fleet change of a primary at a time (removal-sequence)', () => {
  it('names the primary’s holder of the sequence marker, saying what it does not know of it', async () => {
    const { store, clock } = corePorts();
    await store.putMarker(
      scaleOutMarkerName(PRIMARY),
      {},
      { ifAbsentOrExpired: true, until: new Date(minutesFromStart(5)), now: clock.now() },
    );
    const record = removalRecord('RECEIVED');

    const refusal = await takeFleetMarkers(record, REPLICA, { markers: store, clock });

    expect(refusal).toEqual({
      rule: 'removal.primaryBusy',
      field: 'MasterDBInstanceId',
      message: `${PRIMARY} changed at an earlier time (scale-out request unknown); no removal before ${minutesFromStart(5)}`,
    });
    expect(await store.getMarker(removalMarkerName(REPLICA), clock.now())).toBeUndefined();
  });

  it('refuses a second removal of a replica whose removal marker another request holds', async () => {
    const { store, clock } = corePorts();
    await store.putMarker(
      removalMarkerName(REPLICA),
      { requestId: 'r-00000000000000d4' },
      { ifAbsentOrExpired: true, until: new Date(minutesFromStart(60)), now: clock.now() },
    );

    const refusal = await takeFleetMarkers(removalRecord('RECEIVED'), REPLICA, { markers: store, clock });

    expect(refusal).toMatchObject({
      rule: 'removal.alreadyRemoving',
      field: 'DBInstanceId',
      message: `${REPLICA} is already being removed by request r-00000000000000d4`,
    });
  });

  it('keeps both markers on a redelivery of the request that holds them', async () => {
    const { store, clock } = corePorts();
    const record = removalRecord('RECEIVED');

    expect(await takeFleetMarkers(record, REPLICA, { markers: store, clock })).toBeUndefined();
    clock.advance(1_000);
    expect(await takeFleetMarkers(record, REPLICA, { markers: store, clock })).toBeUndefined();
    expect((await store.getMarker(removalMarkerName(REPLICA), clock.now()))?.value.requestId).toBe(
      record.requestId,
    );
  });

  it('names the request that won the marker between its read and its write', async () => {
    const { store, clock } = corePorts();
    const putMarker = store.putMarker.bind(store);
    store.putMarker = async (name, _value, options) => {
      await putMarker(name, { requestId: 'r-00000000000000e5', kind: 'create', at: FIXTURE_TIME }, options);
      return false;
    };

    const refusal = await takeFleetMarkers(removalRecord('RECEIVED'), REPLICA, { markers: store, clock });

    expect(refusal?.message).toContain(`(create request r-00000000000000e5)`);
  });

  it('takes over a held sequence marker only when the holder’s hold has served, and says so when it has not', async () => {
    const { store, clock } = corePorts();
    const holder = validatedRecord('SUBMITTED');
    await store.putNew(holder);
    await store.putMarker(
      scaleOutMarkerName(PRIMARY),
      { requestId: holder.requestId, kind: 'scale-out', at: FIXTURE_TIME },
      { ifAbsentOrExpired: true, until: new Date(minutesFromStart(5)), now: clock.now() },
    );

    const refusal = await takeFleetMarkers(removalRecord('RECEIVED'), REPLICA, {
      markers: store,
      clock,
      served: { store, scaleOutCooldownSeconds: 600 },
    });

    expect(refusal).toMatchObject({ rule: 'removal.primaryBusy' });
    expect((await store.getMarker(scaleOutMarkerName(PRIMARY), clock.now()))?.value.requestId).toBe(
      holder.requestId,
    );
  });

  it('reads every page of the in-flight index and sees a removal in flight as busy even before its target is known', async () => {
    const { store } = corePorts();
    for (let index = 0; index < 120; index++) {
      await store.putNew(
        validatedRecord('READY', {
          request: { ...requestRecord().request, MasterDBInstanceId: 'postgres-other01' },
        }),
      );
    }
    await store.putNew(validatedRecord('READY'));
    const untargeted = removalRecord('VALIDATED', {
      removal: removal({ target: undefined }) as RemovalDetails,
    });
    await store.putNew(untargeted);

    const activity = await fleetActivityOf(PRIMARY, 'r-self', { store });

    expect(activity.removing).toEqual(new Set());
    expect(activity.busy).toMatchObject({
      rule: 'removal.primaryBusy',
      message: expect.stringContaining(`a removal in flight (request ${untargeted.requestId}, VALIDATED)`),
    });
  });
});
