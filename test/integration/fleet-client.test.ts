import { EMULATOR_CREDENTIALS } from '@replica-flow/tencent-emulator/credentials.ts';
import { seedCreateRequest, useEmulator } from '@replica-flow/tencent-emulator/testing/emulator-fixture.ts';
import { FLEET_TIMINGS, rewindingClock } from '@replica-flow/tencent-emulator/testing/fleet.ts';
import { describe, expect, it } from 'vitest';
import { TencentApiError } from '#shared/adapters/tencent/tencent-api-error.ts';
import { createTencentPostgres } from '#shared/adapters/tencent/tencent-postgres-client.ts';
import type { TencentPostgres } from '#shared/ports/tencent-postgres.ts';

const REGION = 'ap-beijing';
const PRIMARY = 'postgres-abcdef';

const clock = rewindingClock();
const emu = useEmulator({ now: clock.now, timings: FLEET_TIMINGS });

/** The product's adapter (the real SDK inside) pointed at the emulator. */
const tencent = (): TencentPostgres =>
  createTencentPostgres({
    credentials: EMULATOR_CREDENTIALS,
    endpoint: emu.current.endpoint,
    protocol: 'http://',
    timeoutSeconds: 2,
    language: 'en-US',
  });

/** The emulator's control API, as any other client would drive it. */
const control = async (path: string, body: unknown): Promise<void> => {
  const response = await fetch(`${emu.current.url}/_emulator/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`emulator control ${path}: ${response.status} ${await response.text()}`);
};

/** Resolves with the TencentApiError the call was translated into; fails the test on anything else. */
const failureOf = async (call: Promise<unknown>): Promise<TencentApiError> => {
  const error = await call.then(
    () => expect.fail('expected the call to fail'),
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(TencentApiError);
  return error as TencentApiError;
};

/** A running postpaid replica of the default primary, created through the adapter; its id. */
const newReplica = async (client: TencentPostgres): Promise<string> => {
  const created = await client.createReadOnlyDBInstance(REGION, seedCreateRequest());
  const id = created.DBInstanceIdSet?.[0];
  if (!id) throw new Error('the create returned no instance id');
  return id;
};

const statusOf = async (client: TencentPostgres, id: string) =>
  (await client.describeDBInstanceAttribute(REGION, { DBInstanceId: id })).DBInstance?.DBInstanceStatus;

const groupOf = async (client: TencentPostgres, groupId: string) =>
  (
    await client.describeReadOnlyGroups(REGION, {
      Filters: [
        { Name: 'db-master-instance-id', Values: [PRIMARY] },
        { Name: 'read-only-group-id', Values: [groupId] },
      ],
    })
  ).ReadOnlyGroupList?.[0];

const taskOf = async (client: TencentPostgres, taskId: number) =>
  (await client.describeTasks(REGION, { TaskId: taskId })).TaskSet?.[0];

describe('the fleet actions through the Tencent adapter and the real SDK', () => {
  it('creates a group, adds a replica, reconfigures, removes it and deletes the group, each task visible', async () => {
    const client = tencent();
    const replicaId = await newReplica(client);
    const ownGroup = emu.current.instances().find((i) => i.id === replicaId)?.readOnlyGroupId ?? '';

    const created = await client.createReadOnlyGroup(REGION, {
      MasterDBInstanceId: PRIMARY,
      Name: 'rf-readers',
    });
    const groupId = created.ReadOnlyGroupId ?? '';
    const createTask = await taskOf(client, created.TaskId ?? 0);
    clock.advance(FLEET_TIMINGS.groupTaskMs);
    const readyGroup = await groupOf(client, groupId);

    await client.removeDBInstanceFromReadOnlyGroup(REGION, {
      DBInstanceId: replicaId,
      ReadOnlyGroupId: ownGroup,
    });
    clock.advance(FLEET_TIMINGS.groupTaskMs);
    const added = await client.addDBInstanceToReadOnlyGroup(REGION, {
      DBInstanceId: replicaId,
      ReadOnlyGroupId: groupId,
    });
    clock.advance(FLEET_TIMINGS.groupTaskMs);
    const addTask = await taskOf(client, added.TaskId ?? 0);
    const withMember = await groupOf(client, groupId);

    await client.modifyReadOnlyGroupConfig(REGION, {
      ReadOnlyGroupId: groupId,
      ReplayLagEliminate: 1,
      ReplayLatencyEliminate: 1,
      MaxReplayLag: 30,
      MaxReplayLatency: 512,
    });
    clock.advance(FLEET_TIMINGS.groupTaskMs);
    const reconfigured = await groupOf(client, groupId);

    const removed = await client.removeDBInstanceFromReadOnlyGroup(REGION, {
      DBInstanceId: replicaId,
      ReadOnlyGroupId: groupId,
    });
    clock.advance(FLEET_TIMINGS.groupTaskMs);
    const emptied = await groupOf(client, groupId);
    const deleted = await client.deleteReadOnlyGroup(REGION, { ReadOnlyGroupId: groupId });
    clock.advance(FLEET_TIMINGS.groupTaskMs);

    expect(groupId).toMatch(/^pgrogrp-[a-z0-9]{8}$/);
    expect(createTask).toMatchObject({ TaskId: created.TaskId, Status: 'Running' });
    expect(readyGroup).toMatchObject({
      Status: 'ok',
      ReadOnlyGroupName: 'rf-readers',
      MasterDBInstanceId: PRIMARY,
    });
    expect(addTask).toMatchObject({ TaskId: added.TaskId, Status: 'Success' });
    expect(withMember?.ReadOnlyDBInstanceList?.map((i) => i.DBInstanceId)).toEqual([replicaId]);
    expect(reconfigured).toMatchObject({ MaxReplayLag: 30, MaxReplayLatency: 512, ReplayLagEliminate: 1 });
    expect(removed.TaskId).toEqual(expect.any(Number));
    expect(emptied?.ReadOnlyDBInstanceList).toEqual([]);
    expect(deleted.FlowId).toEqual(expect.any(Number));
    expect((await groupOf(client, groupId))?.Status ?? 'deleted').toBe('deleted');
  });

  it('isolates only after deletion protection is lifted, restores from the recycle bin, then destroys', async () => {
    const client = tencent();
    const id = await newReplica(client);

    await client.modifyDBInstanceDeletionProtection(REGION, { DBInstanceId: id, DeletionProtection: true });
    const protectedRefusal = await failureOf(client.isolateDBInstances(REGION, { DBInstanceIdSet: [id] }));
    await client.modifyDBInstanceDeletionProtection(REGION, { DBInstanceId: id, DeletionProtection: false });
    await client.isolateDBInstances(REGION, { DBInstanceIdSet: [id] });
    const isolating = await statusOf(client, id);
    const tooEarly = await failureOf(client.destroyDBInstance(REGION, { DBInstanceId: id }));
    clock.advance(FLEET_TIMINGS.isolatingMs);
    const isolated = await statusOf(client, id);
    await client.disIsolateDBInstances(REGION, { DBInstanceIdSet: [id] });
    const restored = await statusOf(client, id);
    clock.advance(FLEET_TIMINGS.isolatingMs);
    await client.isolateDBInstances(REGION, { DBInstanceIdSet: [id] });
    clock.advance(FLEET_TIMINGS.isolatingMs);
    await client.destroyDBInstance(REGION, { DBInstanceId: id });
    clock.advance(FLEET_TIMINGS.offliningMs);

    expect(protectedRefusal).toMatchObject({
      action: 'IsolateDBInstances',
      tencentCode: 'OperationDenied.InstanceStatusLimitError',
      kind: 'retryable',
    });
    expect(isolating).toBe('isolating');
    expect(tooEarly).toMatchObject({ action: 'DestroyDBInstance', kind: 'retryable', retryable: true });
    expect(isolated).toBe('isolated');
    expect(restored).toMatch(/^(disisolating|running)$/);
    expect(emu.current.instances().find((i) => i.id === id)).toBeDefined();
    const finalStatus = await client.describeDBInstanceAttribute(REGION, { DBInstanceId: id }).then(
      (answer) => answer.DBInstance?.DBInstanceStatus ?? 'gone',
      (error: TencentApiError) => error.tencentCode,
    );
    expect(['offline', 'ResourceNotFound.InstanceNotFoundError']).toContain(finalStatus);
  });

  it('turns a throttled fleet call into kind throttled, retryable, and leaves the instance as it was', async () => {
    const client = tencent();
    const id = await newReplica(client);
    await control('rate-limits', { limits: { IsolateDBInstances: 1 } });
    // Frozen clock: both calls fall in one one-second window.
    await failureOf(client.isolateDBInstances(REGION, { DBInstanceIdSet: ['pgro-nothere1'] }));

    const error = await failureOf(client.isolateDBInstances(REGION, { DBInstanceIdSet: [id] }));

    expect(error).toMatchObject({
      action: 'IsolateDBInstances',
      kind: 'throttled',
      code: 'TENCENT_THROTTLED',
      tencentCode: 'RequestLimitExceeded',
      retryable: true,
    });
    expect(await statusOf(client, id)).toBe('running');
  });

  it.each(['IsolateDBInstances', 'DestroyDBInstance', 'CreateReadOnlyGroup', 'AddDBInstanceToReadOnlyGroup'])(
    'types an InternalError on %s as an unknown outcome: ambiguous, not to be re-sent blindly',
    async (action) => {
      const client = tencent();
      await control('faults', { rules: [{ action, sequence: ['InternalError'] }] });
      const calls: Record<string, () => Promise<unknown>> = {
        IsolateDBInstances: () => client.isolateDBInstances(REGION, { DBInstanceIdSet: ['pgro-nothere1'] }),
        DestroyDBInstance: () => client.destroyDBInstance(REGION, { DBInstanceId: 'pgro-nothere1' }),
        CreateReadOnlyGroup: () =>
          client.createReadOnlyGroup(REGION, { MasterDBInstanceId: PRIMARY, Name: 'g' }),
        AddDBInstanceToReadOnlyGroup: () =>
          client.addDBInstanceToReadOnlyGroup(REGION, {
            DBInstanceId: 'pgro-nothere1',
            ReadOnlyGroupId: 'pgrogrp-nothere1',
          }),
      };

      const error = await failureOf((calls[action] as () => Promise<unknown>)());

      expect(error).toMatchObject({
        action,
        kind: 'ambiguous',
        code: 'TENCENT_OUTCOME_UNKNOWN',
        tencentCode: 'InternalError',
        retryable: false,
      });
    },
  );

  it('types an InternalError on DescribeTasks as simply retryable: a read changes nothing', async () => {
    await control('faults', { rules: [{ action: 'DescribeTasks', sequence: ['InternalError'] }] });

    const error = await failureOf(tencent().describeTasks(REGION, { TaskId: 1 }));

    expect(error).toMatchObject({ action: 'DescribeTasks', kind: 'retryable', retryable: true });
  });

  it('types a refusal that is a fact about the request as business: already a member of the group', async () => {
    const client = tencent();
    const id = await newReplica(client);
    const ownGroup = emu.current.instances().find((i) => i.id === id)?.readOnlyGroupId ?? '';

    const error = await failureOf(
      client.addDBInstanceToReadOnlyGroup(REGION, { DBInstanceId: id, ReadOnlyGroupId: ownGroup }),
    );

    expect(error).toMatchObject({
      tencentCode: 'FailedOperation.ROInstanceHasInROGroupError',
      kind: 'business',
      retryable: false,
    });
  });
});
