import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { sdkClient, sdkFailure, useEmulator } from '#emulator-test/support/emulator-fixture.ts';
import {
  attributeOf,
  createPrepaidReplica,
  createReplica,
  FLEET_TIMINGS,
  groupOf,
  rewindingClock,
} from '#emulator-test/support/fleet.ts';
import { control } from '#emulator-test/support/raw-request.ts';

const clock = rewindingClock();
const emu = useEmulator({ now: clock.now, timings: FLEET_TIMINGS });
const client = (region = 'ap-beijing') => sdkClient(emu.current, { region });
const statusOf = async (id: string, region = 'ap-beijing') =>
  (await attributeOf(emu.current, id, region))?.DBInstanceStatus;
const instance = (id: string) => emu.current.instances().find((i) => i.id === id);
const isolate = (id: string, region = 'ap-beijing') =>
  client(region).IsolateDBInstances({ DBInstanceIdSet: [id] });

describe('ModifyDBInstanceDeletionProtection', () => {
  it('switches protection on and off, visible in DescribeDBInstanceAttribute and the control API', async () => {
    const id = await createReplica(emu.current);
    await client().ModifyDBInstanceDeletionProtection({ DBInstanceId: id, DeletionProtection: true });
    const on = await attributeOf(emu.current, id);
    const onControl = instance(id)?.deletionProtection;
    await client().ModifyDBInstanceDeletionProtection({ DBInstanceId: id, DeletionProtection: false });

    expect(on?.DeletionProtection).toBe(true);
    expect(onControl).toBe(true);
    expect((await attributeOf(emu.current, id))?.DeletionProtection).toBe(false);
  });

  it('protects a primary too', async () => {
    await client().ModifyDBInstanceDeletionProtection({
      DBInstanceId: 'postgres-abcdef',
      DeletionProtection: true,
    });

    expect((await attributeOf(emu.current, 'postgres-abcdef'))?.DeletionProtection).toBe(true);
  });

  it('refuses an unknown instance with ResourceNotFound.InstanceNotFoundError', async () => {
    const error = await sdkFailure(
      client().ModifyDBInstanceDeletionProtection({
        DBInstanceId: 'pgro-nothere1',
        DeletionProtection: true,
      }),
    );

    expect(error.code).toBe('ResourceNotFound.InstanceNotFoundError');
  });

  it('refuses an offline instance with OperationDenied.InstanceStatusLimitError', async () => {
    const id = await createReplica(emu.current);
    await isolate(id);
    clock.advance(FLEET_TIMINGS.isolatingMs);
    await client().DestroyDBInstance({ DBInstanceId: id });
    clock.advance(FLEET_TIMINGS.offliningMs);

    const error = await sdkFailure(
      client().ModifyDBInstanceDeletionProtection({ DBInstanceId: id, DeletionProtection: true }),
    );

    expect(error.code).toBe('OperationDenied.InstanceStatusLimitError');
  });

  it('refuses a DeletionProtection that is not a boolean with InvalidParameter', async () => {
    const id = await createReplica(emu.current);

    const error = await sdkFailure(
      client().request('ModifyDBInstanceDeletionProtection', { DBInstanceId: id, DeletionProtection: 'yes' }),
    );

    expect(error.code).toBe('InvalidParameter');
    expect(error.message).toContain('DeletionProtection');
  });
});

describe('IsolateDBInstances', () => {
  it('takes a postpaid replica isolating → isolated → offline after 3 "days", billing stopped at isolation', async () => {
    const id = await createReplica(emu.current);
    const acceptedAt = clock.now();
    const res = await isolate(id);
    const isolating = await statusOf(id);
    const billingStoppedAt = instance(id)?.billingStoppedAt;
    clock.advance(FLEET_TIMINGS.isolatingMs - 1);
    const stillIsolating = await statusOf(id);
    clock.advance(1);
    const isolated = await attributeOf(emu.current, id);
    clock.advance(FLEET_TIMINGS.postpaidRecycleMs - 1);
    const stillIsolated = await statusOf(id);
    clock.advance(1);
    const offline = await attributeOf(emu.current, id);

    expect(res.RequestId).toBeTruthy();
    expect(isolating).toBe('isolating');
    expect(billingStoppedAt).toBe(acceptedAt);
    expect(stillIsolating).toBe('isolating');
    expect(isolated).toMatchObject({ DBInstanceStatus: 'isolated' });
    expect(isolated?.IsolatedTime).not.toBe('0000-00-00 00:00:00');
    expect(isolated?.DBInstanceNetInfo?.[0]?.Status).toBe('closed');
    expect(stillIsolated).toBe('isolated');
    expect(offline?.DBInstanceStatus).toBe('offline');
    expect(offline?.OfflineTime).not.toBe('0000-00-00 00:00:00');
    expect(instance(id)).toMatchObject({
      status: 'offline',
      isolatedAt: acceptedAt + FLEET_TIMINGS.isolatingMs,
      offlineAt: acceptedAt + FLEET_TIMINGS.isolatingMs + FLEET_TIMINGS.postpaidRecycleMs,
    });
  });

  it('keeps a prepaid replica in the recycle bin for 7 "days"', async () => {
    const id = await createPrepaidReplica(emu.current);
    await isolate(id, 'ap-guangzhou');
    clock.advance(FLEET_TIMINGS.isolatingMs + FLEET_TIMINGS.postpaidRecycleMs);
    const afterThreeDays = await statusOf(id, 'ap-guangzhou');
    clock.advance(FLEET_TIMINGS.prepaidRecycleMs - FLEET_TIMINGS.postpaidRecycleMs);
    const afterSevenDays = await statusOf(id, 'ap-guangzhou');

    expect(afterThreeDays).toBe('isolated');
    expect(afterSevenDays).toBe('offline');
    expect(instance(id)?.billingStoppedAt).toEqual(expect.any(Number));
  });

  it('takes the recycle bin length from the timings in force at isolation (POST /_emulator/timings)', async () => {
    const id = await createReplica(emu.current);
    const changed = await control(emu.current, 'POST', '/timings', { postpaidRecycleMs: 5000 });
    await isolate(id);
    clock.advance(FLEET_TIMINGS.isolatingMs + 5000);

    expect(changed.status).toBe(200);
    expect(await statusOf(id)).toBe('offline');
  });

  it('counts the replica out of the primary and out of its group once isolated', async () => {
    const id = await createReplica(emu.current);
    const groupId = instance(id)?.readOnlyGroupId ?? '';
    const before = (await attributeOf(emu.current, 'postgres-abcdef'))?.ReadOnlyInstanceNum;
    await isolate(id);
    const during = await groupOf(emu.current, groupId);
    clock.advance(FLEET_TIMINGS.isolatingMs);
    const after = await groupOf(emu.current, groupId);

    expect(before).toBe(1);
    expect((await attributeOf(emu.current, 'postgres-abcdef'))?.ReadOnlyInstanceNum).toBe(0);
    expect(during?.ReadOnlyDBInstanceList?.map((m) => m.DBInstanceId)).toEqual([id]);
    expect(after?.ReadOnlyDBInstanceList).toEqual([]);
    expect(instance(id)?.readOnlyGroupId).toBe('');
  });

  it('refuses a protected instance with OperationDenied.InstanceStatusLimitError and isolates nothing', async () => {
    const free = await createReplica(emu.current);
    const protectedId = await createReplica(emu.current, { DeletionProtection: true });

    const error = await sdkFailure(client().IsolateDBInstances({ DBInstanceIdSet: [free, protectedId] }));

    expect(error.code).toBe('OperationDenied.InstanceStatusLimitError');
    expect(error.message).toContain('deletion protection');
    expect(await statusOf(free)).toBe('running');
  });

  it('refuses an instance already isolating or isolated with OperationDenied.InstanceStatusLimitError', async () => {
    const id = await createReplica(emu.current);
    await isolate(id);
    const whileIsolating = await sdkFailure(isolate(id));
    clock.advance(FLEET_TIMINGS.isolatingMs);
    const whenIsolated = await sdkFailure(isolate(id));

    expect(whileIsolating.code).toBe('OperationDenied.InstanceStatusLimitError');
    expect(whenIsolated.code).toBe('OperationDenied.InstanceStatusLimitError');
    expect(whenIsolated.message).toContain('`isolated`');
  });

  it('refuses an instance still provisioning with OperationDenied.InstanceStatusLimitError', async () => {
    emu.current.setTimings({ initingMs: 10_000 });
    const id = await createReplica(emu.current);

    expect((await sdkFailure(isolate(id))).code).toBe('OperationDenied.InstanceStatusLimitError');
  });

  it('never isolates a primary: OperationDenied.InstanceAccessDeniedError', async () => {
    const error = await sdkFailure(isolate('postgres-abcdef'));

    expect(error.code).toBe('OperationDenied.InstanceAccessDeniedError');
    expect(await statusOf('postgres-abcdef')).toBe('running');
  });

  it.each([
    [['pgro-nothere1'], 'ResourceNotFound.InstanceNotFoundError'],
    [[], 'InvalidParameterValue.InvalidParameterValueError'],
  ])('refuses DBInstanceIdSet %j with %s', async (ids, code) => {
    expect((await sdkFailure(client().IsolateDBInstances({ DBInstanceIdSet: ids }))).code).toBe(code);
  });

  it('refuses an instance of another region with ResourceNotFound.InstanceNotFoundError', async () => {
    const id = await createReplica(emu.current);

    expect((await sdkFailure(isolate(id, 'ap-guangzhou'))).code).toBe(
      'ResourceNotFound.InstanceNotFoundError',
    );
  });
});

describe('DisIsolateDBInstances', () => {
  it('brings an isolated instance back: disisolating, then running, billing resumed', async () => {
    const id = await createReplica(emu.current);
    await isolate(id);
    clock.advance(FLEET_TIMINGS.isolatingMs);
    await client().DisIsolateDBInstances({ DBInstanceIdSet: [id] });
    const back = await statusOf(id);
    clock.advance(FLEET_TIMINGS.offliningMs);

    expect(back).toBe('disisolating');
    expect(await statusOf(id)).toBe('running');
    expect(instance(id)).toMatchObject({ billingStoppedAt: null, isolatedAt: null, offlineAt: null });
  });

  it('refuses an instance that is not isolated with OperationDenied.InstanceStatusDeniedError', async () => {
    const id = await createReplica(emu.current);
    const running = await sdkFailure(client().DisIsolateDBInstances({ DBInstanceIdSet: [id] }));
    await isolate(id);
    const isolating = await sdkFailure(client().DisIsolateDBInstances({ DBInstanceIdSet: [id] }));

    expect(running.code).toBe('OperationDenied.InstanceStatusDeniedError');
    expect(isolating.code).toBe('OperationDenied.InstanceStatusDeniedError');
  });

  it('refuses a Period outside 1-12, 24, 36', async () => {
    const id = await createReplica(emu.current);
    await isolate(id);
    clock.advance(FLEET_TIMINGS.isolatingMs);

    const error = await sdkFailure(client().DisIsolateDBInstances({ DBInstanceIdSet: [id], Period: 13 }));

    expect(error.code).toBe('InvalidParameterValue.InvalidParameterValueError');
  });
});

describe('DestroyDBInstance', () => {
  it('destroys an isolated instance: offlining, then offline for good', async () => {
    const id = await createReplica(emu.current);
    await isolate(id);
    clock.advance(FLEET_TIMINGS.isolatingMs);
    const destroyedAt = clock.now();
    await client().DestroyDBInstance({ DBInstanceId: id });
    const offlining = await statusOf(id);
    clock.advance(FLEET_TIMINGS.offliningMs);
    const offline = await statusOf(id);
    const again = await sdkFailure(client().DestroyDBInstance({ DBInstanceId: id }));
    const revived = await sdkFailure(client().DisIsolateDBInstances({ DBInstanceIdSet: [id] }));

    expect(offlining).toBe('offlining');
    expect(offline).toBe('offline');
    expect(instance(id)?.offlineAt).toBe(destroyedAt + FLEET_TIMINGS.offliningMs);
    expect(again.code).toBe('ResourceUnavailable.InvalidInstanceStatus');
    expect(revived.code).toBe('OperationDenied.InstanceStatusDeniedError');
  });

  it('refuses an instance that is not isolated (running or isolating) with ResourceUnavailable.InvalidInstanceStatus', async () => {
    const id = await createReplica(emu.current);
    const running = await sdkFailure(client().DestroyDBInstance({ DBInstanceId: id }));
    await isolate(id);
    const isolating = await sdkFailure(client().DestroyDBInstance({ DBInstanceId: id }));

    expect(running.code).toBe('ResourceUnavailable.InvalidInstanceStatus');
    expect(isolating.code).toBe('ResourceUnavailable.InvalidInstanceStatus');
  });

  it('destroys a replica whose provisioning failed (isolated) and takes it out of its group', async () => {
    emu.current.addFaults({
      rules: [{ action: 'CreateReadOnlyDBInstance', sequence: ['ProvisioningFails'] }],
    });
    const id = await createReplica(emu.current);
    const groupId = instance(id)?.readOnlyGroupId ?? '';
    await client().DestroyDBInstance({ DBInstanceId: id });
    clock.advance(FLEET_TIMINGS.offliningMs);

    expect(await statusOf(id)).toBe('offline');
    expect((await groupOf(emu.current, groupId))?.ReadOnlyDBInstanceList).toEqual([]);
  });

  it('never destroys a primary: OperationDenied.InstanceAccessDeniedError', async () => {
    const error = await sdkFailure(client().DestroyDBInstance({ DBInstanceId: 'postgres-abcdef' }));

    expect(error.code).toBe('OperationDenied.InstanceAccessDeniedError');
  });

  it('refuses an unknown instance with ResourceNotFound.InstanceNotFoundError', async () => {
    const error = await sdkFailure(client().DestroyDBInstance({ DBInstanceId: 'pgro-nothere1' }));

    expect(error.code).toBe('ResourceNotFound.InstanceNotFoundError');
  });
});

describe('faults on the fleet actions', () => {
  it('a scripted InternalError on IsolateDBInstances isolates nothing; the next call does', async () => {
    const id = await createReplica(emu.current);
    emu.current.addFaults({ rules: [{ action: 'IsolateDBInstances', sequence: ['InternalError'] }] });
    const failed = await sdkFailure(isolate(id));
    const statusAfterFault = await statusOf(id);
    await isolate(id);

    expect(failed.code).toBe('InternalError');
    expect(statusAfterFault).toBe('running');
    expect(await statusOf(id)).toBe('isolating');
  });

  it('a LostResponse on DestroyDBInstance destroys, and the retry sees ResourceUnavailable.InvalidInstanceStatus', async () => {
    const id = await createReplica(emu.current);
    await isolate(id);
    clock.advance(FLEET_TIMINGS.isolatingMs);
    emu.current.addFaults({ rules: [{ action: 'DestroyDBInstance', sequence: ['LostResponse'] }] });
    const lost = await sdkFailure(
      sdkClient(emu.current, { agent: new http.Agent({ keepAlive: false }) }).DestroyDBInstance({
        DBInstanceId: id,
      }),
    );
    const retry = await sdkFailure(client().DestroyDBInstance({ DBInstanceId: id }));

    expect(lost.code).toBeUndefined();
    expect(await statusOf(id)).toBe('offlining');
    expect(retry.code).toBe('ResourceUnavailable.InvalidInstanceStatus');
  });
});
