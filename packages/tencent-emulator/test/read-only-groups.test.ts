import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '#emulator/server.ts';
import { sdkClient, sdkFailure, useEmulator } from '#emulator-test/support/emulator-fixture.ts';
import {
  attributeOf,
  createReplica,
  FLEET_TIMINGS,
  groupOf,
  rewindingClock,
  taskOf,
} from '#emulator-test/support/fleet.ts';

const clock = rewindingClock();
const emu = useEmulator({ now: clock.now, timings: FLEET_TIMINGS });
const client = () => sdkClient(emu.current);

const createGroup = (overrides: Record<string, unknown> = {}) =>
  client().CreateReadOnlyGroup({ MasterDBInstanceId: 'postgres-abcdef', Name: 'readers', ...overrides });

/** A group that has finished creating (its task is over). */
const readyGroup = async (name = 'readers'): Promise<string> => {
  const { ReadOnlyGroupId } = await createGroup({ Name: name });
  clock.advance(FLEET_TIMINGS.groupTaskMs);
  return ReadOnlyGroupId ?? '';
};

/** A running replica outside any group (it left the group its create made). */
const replicaWithoutGroup = async (): Promise<string> => {
  const id = await createReplica(emu.current);
  const own = emu.current.instances().find((i) => i.id === id)?.readOnlyGroupId ?? '';
  await client().RemoveDBInstanceFromReadOnlyGroup({ DBInstanceId: id, ReadOnlyGroupId: own });
  clock.advance(FLEET_TIMINGS.groupTaskMs);
  return id;
};

describe('CreateReadOnlyGroup', () => {
  it('creates an empty group, creating while its task runs, then ok, with FlowId = TaskId', async () => {
    const res = await createGroup({
      ReplayLagEliminate: 1,
      ReplayLatencyEliminate: 1,
      MaxReplayLag: 10,
      MaxReplayLatency: 256,
      MinDelayEliminateReserve: 2,
    });
    const creating = await groupOf(emu.current, res.ReadOnlyGroupId ?? '');
    const runningTask = await taskOf(emu.current, res.TaskId ?? 0);
    clock.advance(FLEET_TIMINGS.groupTaskMs);
    const ok = await groupOf(emu.current, res.ReadOnlyGroupId ?? '');
    const doneTask = await taskOf(emu.current, res.TaskId ?? 0);

    expect(res.ReadOnlyGroupId).toMatch(/^pgrogrp-[a-z0-9]{8}$/);
    expect(res.FlowId).toBe(res.TaskId);
    expect(creating).toMatchObject({
      Status: 'creating',
      ReadOnlyGroupName: 'readers',
      ReadOnlyDBInstanceList: [],
    });
    expect(ok).toMatchObject({
      Status: 'ok',
      MasterDBInstanceId: 'postgres-abcdef',
      VpcId: 'vpc-8btfafeo',
      SubnetId: 'subnet-1i9huswn',
      ReplayLagEliminate: 1,
      ReplayLatencyEliminate: 1,
      MaxReplayLag: 10,
      MaxReplayLatency: 256,
      MinDelayEliminateReserve: 2,
    });
    expect(runningTask).toMatchObject({
      TaskType: 'CreateReadOnlyGroup',
      DBInstanceId: 'postgres-abcdef',
      Status: 'Running',
      EndTime: '0000-00-00 00:00:00',
    });
    expect(doneTask).toMatchObject({ Status: 'Success', Progress: 100 });
  });

  it('makes a second group when the same create is retried (no client token)', async () => {
    const first = await createGroup();
    const second = await createGroup();

    expect(second.ReadOnlyGroupId).not.toBe(first.ReadOnlyGroupId);
  });

  it('keeps MaxReplayLag at 0 while its switch is off', async () => {
    const { ReadOnlyGroupId } = await createGroup({ ReplayLagEliminate: 0, MaxReplayLag: 10 });

    expect((await groupOf(emu.current, ReadOnlyGroupId ?? ''))?.MaxReplayLag).toBe(0);
  });

  it.each([
    [{ Name: 'bad name!' }, 'InvalidParameterValue.ParameterCharacterError'],
    [{ Name: 'x'.repeat(60) }, 'InvalidParameterValue.ParameterLengthLimitError'],
    [{ Name: '' }, 'MissingParameter'],
    [{ ReplayLagEliminate: 2 }, 'InvalidParameterValue.InvalidParameterValueError'],
    [{ MinDelayEliminateReserve: 101 }, 'InvalidParameterValue.InvalidParameterValueError'],
    [{ MasterDBInstanceId: 'postgres-nothere' }, 'ResourceNotFound.InstanceNotFoundError'],
    [{ MasterDBInstanceId: 'postgres-gzprep01' }, 'ResourceNotFound.InstanceNotFoundError'],
    [{ VpcId: 'vpc-other' }, 'InvalidParameter.VpcNotFoundError'],
    [{ SubnetId: 'subnet-other' }, 'InvalidParameter.VpcNotFoundError'],
  ])('refuses %j with %s', async (overrides, code) => {
    expect((await sdkFailure(createGroup(overrides))).code).toBe(code);
    expect(emu.current.calls().byAction.CreateReadOnlyGroup?.outcomes[code]).toBe(1);
  });

  it('refuses a primary that is not running with OperationDenied.InstanceStatusLimitOpError', async () => {
    const error = await sdkFailure(
      sdkClient(emu.current, { region: 'ap-shanghai' }).CreateReadOnlyGroup({
        MasterDBInstanceId: 'postgres-shisol01',
        Name: 'readers',
      }),
    );

    expect(error.code).toBe('OperationDenied.InstanceStatusLimitOpError');
  });

  it('refuses a group beyond the per-primary limit, deleted groups not counting', async () => {
    const limit = emu.current.world.limits.maxReadOnlyGroupsPerPrimary;
    const ids: string[] = [];
    for (let i = 0; i < limit; i++) ids.push((await createGroup()).ReadOnlyGroupId ?? '');
    const refused = await sdkFailure(createGroup());
    await client().DeleteReadOnlyGroup({ ReadOnlyGroupId: ids[0] ?? '' });
    clock.advance(FLEET_TIMINGS.groupTaskMs);
    const accepted = await createGroup();

    expect(refused.code).toBe('FailedOperation.ROGroupNumExceedError');
    expect(accepted.ReadOnlyGroupId).toMatch(/^pgrogrp-/);
  });
});

describe('DescribeReadOnlyGroups', () => {
  it('lists each group with its members as DBInstance entries', async () => {
    const groupId = await readyGroup();
    const a = await createReplica(emu.current, { ReadOnlyGroupId: groupId });
    const b = await createReplica(emu.current, { ReadOnlyGroupId: groupId });
    const group = await groupOf(emu.current, groupId);

    expect(group?.Status).toBe('ok');
    expect(group?.ReadOnlyDBInstanceList?.map((m) => m.DBInstanceId).sort()).toEqual([a, b].sort());
    expect(group?.ReadOnlyDBInstanceList?.[0]).toMatchObject({
      DBInstanceType: 'readonly',
      MasterDBInstanceId: 'postgres-abcdef',
      DBInstanceStatus: 'running',
    });
  });

  it('narrows by read-only-group-name', async () => {
    await readyGroup('alpha');
    await readyGroup('beta');
    const res = await client().DescribeReadOnlyGroups({
      Filters: [
        { Name: 'db-master-instance-id', Values: ['postgres-abcdef'] },
        { Name: 'read-only-group-name', Values: ['beta'] },
      ],
    });

    expect(res.ReadOnlyGroupList?.map((g) => g.ReadOnlyGroupName)).toEqual(['beta']);
  });
});

describe('CreateReadOnlyDBInstance with a ReadOnlyGroupId', () => {
  it('puts the replica into that group instead of making a new one', async () => {
    const groupId = await readyGroup();
    const id = await createReplica(emu.current, { ReadOnlyGroupId: groupId });

    expect(emu.current.instances().find((i) => i.id === id)?.readOnlyGroupId).toBe(groupId);
    expect(
      (
        await client().DescribeReadOnlyGroups({
          Filters: [{ Name: 'db-master-instance-id', Values: ['postgres-abcdef'] }],
        })
      ).ReadOnlyGroupList,
    ).toHaveLength(1);
  });

  it('refuses a group being deleted, and one already deleted', async () => {
    const groupId = await readyGroup();
    await client().DeleteReadOnlyGroup({ ReadOnlyGroupId: groupId });
    const deleting = await sdkFailure(createReplica(emu.current, { ReadOnlyGroupId: groupId }));
    clock.advance(FLEET_TIMINGS.groupTaskMs);
    const deleted = await sdkFailure(createReplica(emu.current, { ReadOnlyGroupId: groupId }));

    expect(deleting.code).toBe('OperationDenied.ROGroupStatusError');
    expect(deleted.code).toBe('FailedOperation.ROGroupNotFoundError');
  });
});

describe('AddDBInstanceToReadOnlyGroup', () => {
  it('adds a running replica through a task: a member once the task succeeds, the group modifying meanwhile', async () => {
    const groupId = await readyGroup();
    const id = await replicaWithoutGroup();
    const res = await client().AddDBInstanceToReadOnlyGroup({ DBInstanceId: id, ReadOnlyGroupId: groupId });
    const during = await groupOf(emu.current, groupId);
    const task = await taskOf(emu.current, res.TaskId ?? 0);
    clock.advance(FLEET_TIMINGS.groupTaskMs);
    const after = await groupOf(emu.current, groupId);
    const doneTask = await taskOf(emu.current, res.TaskId ?? 0);

    expect(res.FlowId).toBe(res.TaskId);
    expect(during).toMatchObject({ Status: 'modifying', ReadOnlyDBInstanceList: [] });
    expect(task).toMatchObject({
      TaskType: 'AddDBInstanceToReadOnlyGroup',
      DBInstanceId: id,
      Status: 'Running',
    });
    expect(after?.Status).toBe('ok');
    expect(after?.ReadOnlyDBInstanceList?.map((m) => m.DBInstanceId)).toEqual([id]);
    expect(doneTask?.Status).toBe('Success');
  });

  it('refuses a replica already in a group with FailedOperation.ROInstanceHasInROGroupError', async () => {
    const groupId = await readyGroup();
    const id = await createReplica(emu.current);

    const error = await sdkFailure(
      client().AddDBInstanceToReadOnlyGroup({ DBInstanceId: id, ReadOnlyGroupId: groupId }),
    );

    expect(error.code).toBe('FailedOperation.ROInstanceHasInROGroupError');
  });

  it('refuses a second change while one is running with OperationDenied.ROInstanceStatusLimitOpError', async () => {
    const groupId = await readyGroup();
    const id = await replicaWithoutGroup();
    await client().AddDBInstanceToReadOnlyGroup({ DBInstanceId: id, ReadOnlyGroupId: groupId });

    const error = await sdkFailure(
      client().AddDBInstanceToReadOnlyGroup({ DBInstanceId: id, ReadOnlyGroupId: groupId }),
    );

    expect(error.code).toBe('OperationDenied.ROInstanceStatusLimitOpError');
  });

  it('refuses a group of another primary with FailedOperation.ROGroupMasterInstanceNotRight', async () => {
    const id = await replicaWithoutGroup();
    const other = await client().CreateReadOnlyGroup({
      MasterDBInstanceId: 'postgres-bjorder1',
      Name: 'orders',
    });

    const error = await sdkFailure(
      client().AddDBInstanceToReadOnlyGroup({
        DBInstanceId: id,
        ReadOnlyGroupId: other.ReadOnlyGroupId ?? '',
      }),
    );

    expect(error.code).toBe('FailedOperation.ROGroupMasterInstanceNotRight');
  });

  it('refuses an unknown group with FailedOperation.ROGroupNotFoundError and an unknown instance with ResourceNotFound.InstanceNotFoundError', async () => {
    const groupId = await readyGroup();
    const id = await replicaWithoutGroup();

    const noGroup = await sdkFailure(
      client().AddDBInstanceToReadOnlyGroup({ DBInstanceId: id, ReadOnlyGroupId: 'pgrogrp-nothere1' }),
    );
    const noInstance = await sdkFailure(
      client().AddDBInstanceToReadOnlyGroup({ DBInstanceId: 'pgro-nothere1', ReadOnlyGroupId: groupId }),
    );

    expect(noGroup.code).toBe('FailedOperation.ROGroupNotFoundError');
    expect(noInstance.code).toBe('ResourceNotFound.InstanceNotFoundError');
  });

  it('refuses a replica that is not running with ResourceUnavailable.InvalidInstanceStatus', async () => {
    const groupId = await readyGroup();
    const id = await replicaWithoutGroup();
    await client().IsolateDBInstances({ DBInstanceIdSet: [id] });

    const error = await sdkFailure(
      client().AddDBInstanceToReadOnlyGroup({ DBInstanceId: id, ReadOnlyGroupId: groupId }),
    );

    expect(error.code).toBe('ResourceUnavailable.InvalidInstanceStatus');
  });
});

describe('RemoveDBInstanceFromReadOnlyGroup', () => {
  it('removes a member through a task: still a member until the task succeeds', async () => {
    const groupId = await readyGroup();
    const id = await createReplica(emu.current, { ReadOnlyGroupId: groupId });
    const res = await client().RemoveDBInstanceFromReadOnlyGroup({
      DBInstanceId: id,
      ReadOnlyGroupId: groupId,
    });
    const during = await groupOf(emu.current, groupId);
    clock.advance(FLEET_TIMINGS.groupTaskMs);
    const after = await groupOf(emu.current, groupId);

    expect(res.FlowId).toBe(res.TaskId);
    expect(during?.Status).toBe('modifying');
    expect(during?.ReadOnlyDBInstanceList?.map((m) => m.DBInstanceId)).toEqual([id]);
    expect(after).toMatchObject({ Status: 'ok', ReadOnlyDBInstanceList: [] });
    expect((await attributeOf(emu.current, id))?.DBInstanceStatus).toBe('running');
    expect((await taskOf(emu.current, res.TaskId ?? 0))?.TaskType).toBe('RemoveDBInstanceFromReadOnlyGroup');
  });

  it('refuses a replica that is not in the group', async () => {
    const groupId = await readyGroup();
    const id = await createReplica(emu.current);

    const error = await sdkFailure(
      client().RemoveDBInstanceFromReadOnlyGroup({ DBInstanceId: id, ReadOnlyGroupId: groupId }),
    );

    expect(error.code).toBe('ResourceNotFound.InstanceNotFoundError');
  });

  it('refuses an unknown group with FailedOperation.ROGroupNotFoundError', async () => {
    const id = await createReplica(emu.current);

    const error = await sdkFailure(
      client().RemoveDBInstanceFromReadOnlyGroup({ DBInstanceId: id, ReadOnlyGroupId: 'pgrogrp-nothere1' }),
    );

    expect(error.code).toBe('FailedOperation.ROGroupNotFoundError');
  });
});

describe('ModifyReadOnlyGroupConfig', () => {
  it('changes the name and delay settings; the group is modifying for a while', async () => {
    const groupId = await readyGroup();
    await client().ModifyReadOnlyGroupConfig({
      ReadOnlyGroupId: groupId,
      ReadOnlyGroupName: 'renamed',
      MaxReplayLag: 99,
      Rebalance: 1,
    });
    const during = await groupOf(emu.current, groupId);
    clock.advance(FLEET_TIMINGS.groupTaskMs);
    const after = await groupOf(emu.current, groupId);

    expect(during).toMatchObject({
      Status: 'modifying',
      ReadOnlyGroupName: 'renamed',
      MaxReplayLag: 99,
      Rebalance: 1,
    });
    expect(after?.Status).toBe('ok');
  });

  it('changes a group of the world file, and reset brings the world back', async () => {
    const client = sdkClient(emu.current, { region: 'ap-singapore' });
    const describe = async () =>
      (
        await client.DescribeReadOnlyGroups({
          Filters: [{ Name: 'db-master-instance-id', Values: ['postgres-sgsearch'] }],
        })
      ).ReadOnlyGroupList ?? [];
    await client.ModifyReadOnlyGroupConfig({
      ReadOnlyGroupId: 'pgrogrp-sgsearch',
      ReadOnlyGroupName: 'renamed',
    });
    const changed = await describe();
    emu.current.reset();
    const restored = await describe();

    expect(changed.map((g) => g.ReadOnlyGroupName)).toEqual(['renamed']);
    expect(restored.map((g) => g.ReadOnlyGroupName)).toEqual(['search-readers']);
  });

  it('refuses a group that is not ok with OperationDenied.InstanceStatusLimitOpError', async () => {
    const { ReadOnlyGroupId } = await createGroup();

    const error = await sdkFailure(
      client().ModifyReadOnlyGroupConfig({ ReadOnlyGroupId: ReadOnlyGroupId ?? '', MaxReplayLag: 5 }),
    );

    expect(error.code).toBe('OperationDenied.InstanceStatusLimitOpError');
  });

  it.each([
    [{ ReadOnlyGroupId: 'pgrogrp-nothere1' }, 'FailedOperation.ROGroupNotFoundError'],
    [{ ReadOnlyGroupName: 'bad name!' }, 'InvalidParameterValue.ParameterCharacterError'],
    [{ Rebalance: 3 }, 'InvalidParameterValue.InvalidParameterValueError'],
  ])('refuses %j with %s', async (overrides, code) => {
    const groupId = await readyGroup();

    const error = await sdkFailure(
      client().ModifyReadOnlyGroupConfig({ ReadOnlyGroupId: groupId, ...overrides }),
    );

    expect(error.code).toBe(code);
  });
});

describe('DeleteReadOnlyGroup', () => {
  it('deletes an empty group: deleting while its task runs, then gone', async () => {
    const groupId = await readyGroup();
    const res = await client().DeleteReadOnlyGroup({ ReadOnlyGroupId: groupId });
    const deleting = await groupOf(emu.current, groupId);
    clock.advance(FLEET_TIMINGS.groupTaskMs);
    const gone = await groupOf(emu.current, groupId);
    const again = await sdkFailure(client().DeleteReadOnlyGroup({ ReadOnlyGroupId: groupId }));

    expect(res.FlowId).toBeGreaterThan(0);
    expect(deleting?.Status).toBe('deleting');
    expect(gone).toBeUndefined();
    expect(again.code).toBe('FailedOperation.ROGroupNotFoundError');
    expect(await taskOf(emu.current, res.FlowId ?? 0)).toMatchObject({
      TaskType: 'DeleteReadOnlyGroup',
      Status: 'Success',
    });
  });

  it('refuses a group with members (or one joining) with FailedOperation.ROGroupCannotBeDeletedError', async () => {
    const withMember = await readyGroup('with-member');
    await createReplica(emu.current, { ReadOnlyGroupId: withMember });
    const joining = await readyGroup('joining');
    const id = await replicaWithoutGroup();
    await client().AddDBInstanceToReadOnlyGroup({ DBInstanceId: id, ReadOnlyGroupId: joining });

    const member = await sdkFailure(client().DeleteReadOnlyGroup({ ReadOnlyGroupId: withMember }));
    const pending = await sdkFailure(client().DeleteReadOnlyGroup({ ReadOnlyGroupId: joining }));

    expect(member.code).toBe('FailedOperation.ROGroupCannotBeDeletedError');
    expect(pending.code).toBe('FailedOperation.ROGroupCannotBeDeletedError');
  });

  it('deletes a group whose members were isolated', async () => {
    const groupId = await readyGroup();
    const id = await createReplica(emu.current, { ReadOnlyGroupId: groupId });
    await client().IsolateDBInstances({ DBInstanceIdSet: [id] });
    const whileIsolating = await sdkFailure(client().DeleteReadOnlyGroup({ ReadOnlyGroupId: groupId }));
    clock.advance(FLEET_TIMINGS.isolatingMs);
    const res = await client().DeleteReadOnlyGroup({ ReadOnlyGroupId: groupId });

    expect(whileIsolating.code).toBe('FailedOperation.ROGroupCannotBeDeletedError');
    expect(res.FlowId).toBeGreaterThan(0);
  });
});

describe('DescribeTasks', () => {
  it('finds tasks by DBInstanceId, newest first by default, with TotalCount', async () => {
    const groupId = await readyGroup();
    const id = await replicaWithoutGroup();
    clock.advance(1000);
    const add = await client().AddDBInstanceToReadOnlyGroup({ DBInstanceId: id, ReadOnlyGroupId: groupId });
    const res = await client().DescribeTasks({ DBInstanceId: id });

    expect(res.TotalCount).toBe(2);
    expect(res.TaskSet?.map((t) => t.TaskType)).toEqual([
      'AddDBInstanceToReadOnlyGroup',
      'RemoveDBInstanceFromReadOnlyGroup',
    ]);
    expect(res.TaskSet?.[0]?.TaskId).toBe(add.TaskId);
  });

  it('pages with Limit and Offset and filters by start time', async () => {
    for (let i = 0; i < 3; i++) {
      await createGroup({ Name: `g${i}` });
      clock.advance(2000);
    }
    const all = await client().DescribeTasks({ OrderByType: 'asc' });
    const page = await client().DescribeTasks({ OrderByType: 'asc', Limit: 1, Offset: 1 });
    const lastStart = all.TaskSet?.[2]?.StartTime ?? '';
    const recent = await client().DescribeTasks({ MinStartTime: lastStart });

    expect(all.TotalCount).toBe(3);
    expect(page.TaskSet?.map((t) => t.TaskId)).toEqual([all.TaskSet?.[1]?.TaskId]);
    expect(page.TotalCount).toBe(3);
    expect(recent.TaskSet?.map((t) => t.TaskId)).toEqual([all.TaskSet?.[2]?.TaskId]);
  });

  it('refuses a Limit outside 1-100 with InvalidParameterValue.ParameterValueExceedError', async () => {
    expect((await sdkFailure(client().DescribeTasks({ Limit: 101 }))).code).toBe(
      'InvalidParameterValue.ParameterValueExceedError',
    );
  });

  it('refuses a start time not in YYYY-MM-DD hh:mm:ss, naming the field', async () => {
    const error = await sdkFailure(client().DescribeTasks({ MinStartTime: '2026-01-01T00:00:00Z' }));

    expect(error.code).toBe('InvalidParameterValue.InvalidParameterValueError');
    expect(error.message).toContain('MinStartTime');
  });
});

describe('persistence of fleet state', () => {
  it('loads a state file written before the fleet actions (no tasks, no removal fields)', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tencent-fleet-old-'));
    const group = {
      id: 'pgrogrp-oldfile1',
      name: 'old',
      primaryId: 'postgres-abcdef',
      createdAt: clock.now(),
    };
    await writeFile(
      join(dataDir, 'tencent-emulator-state.json'),
      JSON.stringify({
        format: 'replica-flow-tencent-emulator/1',
        replicas: [],
        orders: [],
        groups: [group],
        capacityUsed: {},
        sequence: 0,
      }),
    );
    const emulator = await startEmulator({ port: 0, dataDir, timings: FLEET_TIMINGS });
    try {
      expect(await groupOf(emulator, group.id)).toMatchObject({ Status: 'ok', ReadOnlyGroupName: 'old' });
      expect((await sdkClient(emulator).DescribeTasks({})).TotalCount).toBe(0);
    } finally {
      await emulator.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('keeps groups, tasks, isolations and deletion protection across a restart with a data dir', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tencent-fleet-'));
    const options = { port: 0, dataDir, timings: { ...FLEET_TIMINGS, isolatingMs: 600_000 } };
    const first = await startEmulator(options);
    let groupId = '';
    let taskId = 0;
    let isolated = '';
    let kept = '';
    try {
      const res = await sdkClient(first).CreateReadOnlyGroup({
        MasterDBInstanceId: 'postgres-abcdef',
        Name: 'kept',
      });
      groupId = res.ReadOnlyGroupId ?? '';
      taskId = res.TaskId ?? 0;
      isolated = await createReplica(first);
      kept = await createReplica(first);
      await sdkClient(first).IsolateDBInstances({ DBInstanceIdSet: [isolated] });
      await sdkClient(first).ModifyDBInstanceDeletionProtection({
        DBInstanceId: kept,
        DeletionProtection: true,
      });
      await sdkClient(first).ModifyDBInstanceDeletionProtection({
        DBInstanceId: 'postgres-abcdef',
        DeletionProtection: true,
      });
    } finally {
      await first.close();
    }
    const second = await startEmulator(options);
    try {
      expect((await groupOf(second, groupId))?.ReadOnlyGroupName).toBe('kept');
      expect((await taskOf(second, taskId))?.TaskType).toBe('CreateReadOnlyGroup');
      expect((await attributeOf(second, isolated))?.DBInstanceStatus).toBe('isolating');
      expect(second.instances().find((i) => i.id === isolated)?.billingStoppedAt).toEqual(expect.any(Number));
      expect((await attributeOf(second, kept))?.DeletionProtection).toBe(true);
      expect((await attributeOf(second, 'postgres-abcdef'))?.DeletionProtection).toBe(true);
    } finally {
      await second.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
