import type { ReadOnlyGroup } from 'tencentcloud-sdk-nodejs/tencentcloud/services/postgres/v20170312/postgres_models.js';
import { describe, expect, it } from 'vitest';
import type { ReadOnlyGroupPolicy } from '#shared/domain/policy-fleet.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import { createReplica } from '#shared/use-cases/create-replica.ts';
import { KNOWN_GROUP_TTL_MS, knownGroupsFor } from '#shared/use-cases/known-groups.ts';
import { corePorts, validatedRecord } from '#test/support/core-harness.ts';
import { failure } from '#test/support/scripted-tencent.ts';

const LEASE_MS = 60_000;
const PRIMARY = 'postgres-abcdef';

/** A Tencent whose read-only groups are a list: DescribeReadOnlyGroups reads it, CreateReadOnlyGroup adds to it. */
const withGroups = (ports: ReturnType<typeof corePorts>, groups: ReadOnlyGroup[] = []) => {
  ports.tencent
    .otherwise('describeReadOnlyGroups', (request) => {
      const names = request.Filters?.find((filter) => filter.Name === 'read-only-group-name')?.Values;
      const list = groups.filter((group) => !names || names.includes(group.ReadOnlyGroupName ?? ''));
      return { TotalCount: list.length, ReadOnlyGroupList: structuredClone(list) };
    })
    .otherwise('createReadOnlyGroup', (request) => {
      const id = `pgrogrp-${String(groups.length + 1).padStart(8, '0')}`;
      groups.push({
        ReadOnlyGroupId: id,
        ReadOnlyGroupName: request.Name,
        MasterDBInstanceId: request.MasterDBInstanceId,
        Status: 'creating',
      } as ReadOnlyGroup);
      return { ReadOnlyGroupId: id, FlowId: 1, TaskId: 1 };
    })
    .otherwise('createReadOnlyDBInstance', {
      ok: { DealNames: ['20261129-deal-1'], DBInstanceIdSet: ['pgro-1'] },
    });
  return groups;
};

const recordWith = (readOnlyGroup: ReadOnlyGroupPolicy): RequestRecord =>
  validatedRecord('VALIDATED', { fleet: { fallback: [], readOnlyGroup } });

const createAll = async (ports: ReturnType<typeof corePorts>, records: readonly RequestRecord[]) =>
  Promise.all(
    records.map((record, index) =>
      createReplica(record.requestId, { ...ports, leaseMs: LEASE_MS, owner: `delivery-${index}` }),
    ),
  );

describe('createReplica, joining the primary read-only group', () => {
  it('creates the auto group once across 20 concurrent first scale-outs, and every replica joins it', async () => {
    const ports = corePorts();
    const groups = withGroups(ports);
    const records = Array.from({ length: 20 }, () => recordWith({ mode: 'auto', name: 'rf-abcdef' }));
    for (const record of records) ports.store.records.set(record.requestId, record);

    const first = await createAll(ports, records);
    // The ones that waited for the group come back from the queue and find it by name.
    const again = await createAll(
      ports,
      records.filter((_record, index) => first[index] === 'retry'),
    );

    expect(groups).toHaveLength(1);
    expect(ports.tencent.callsOf('createReadOnlyGroup')).toHaveLength(1);
    expect([...first, ...again].filter((outcome) => outcome === 'submitted')).toHaveLength(20);
    const joined = ports.tencent
      .callsOf('createReadOnlyDBInstance')
      .map((call) => call.request.ReadOnlyGroupId);
    expect(joined).toHaveLength(20);
    expect(new Set(joined)).toEqual(new Set([groups[0]?.ReadOnlyGroupId]));
    for (const record of records) {
      expect((await ports.store.get(record.requestId))?.plan?.ReadOnlyGroupId).toBe(
        groups[0]?.ReadOnlyGroupId,
      );
    }
  });

  it('asks Tencent for the auto group once per function instance, until the entry expires', async () => {
    const ports = corePorts();
    const groups = withGroups(ports);
    const knownGroups = knownGroupsFor(ports.clock);
    const create = async () => {
      const record = recordWith({ mode: 'auto', name: 'rf-abcdef' });
      ports.store.records.set(record.requestId, record);
      await createReplica(record.requestId, { ...ports, leaseMs: LEASE_MS, knownGroups });
      return (await ports.store.get(record.requestId))?.plan?.ReadOnlyGroupId;
    };

    const joined = [await create(), await create(), await create()];
    const asked = ports.tencent.callsOf('describeReadOnlyGroups').length;
    ports.clock.advance(KNOWN_GROUP_TTL_MS + 1);
    joined.push(await create());

    expect(new Set(joined)).toEqual(new Set([groups[0]?.ReadOnlyGroupId]));
    expect(groups).toHaveLength(1);
    // The first create looks twice (before and under the lock) and makes the group; the next two ask nothing.
    expect(asked).toBe(2);
    expect(ports.tencent.callsOf('describeReadOnlyGroups')).toHaveLength(3);
  });

  it('finds the auto group by name and creates none when it exists', async () => {
    const ports = corePorts();
    withGroups(ports, [
      {
        ReadOnlyGroupId: 'pgrogrp-existing',
        ReadOnlyGroupName: `rf-${PRIMARY}`,
        Status: 'ok',
      } as ReadOnlyGroup,
    ]);
    const record = recordWith({ mode: 'auto' });
    ports.store.records.set(record.requestId, record);

    const outcome = await createReplica(record.requestId, { ...ports, leaseMs: LEASE_MS, owner: 'me' });

    expect(outcome).toBe('submitted');
    expect(ports.tencent.callsOf('createReadOnlyGroup')).toEqual([]);
    expect(ports.tencent.callsOf('createReadOnlyDBInstance')[0]?.request.ReadOnlyGroupId).toBe(
      'pgrogrp-existing',
    );
  });

  it('creates the auto group with the policy name and replay settings', async () => {
    const ports = corePorts();
    withGroups(ports);
    const record = recordWith({
      mode: 'auto',
      maxReplayLag: 30,
      maxReplayLatency: 512,
      minDelayEliminateReserve: 1,
    });
    ports.store.records.set(record.requestId, record);

    await createReplica(record.requestId, { ...ports, leaseMs: LEASE_MS, owner: 'me' });

    expect(ports.tencent.callsOf('createReadOnlyGroup')[0]?.request).toMatchObject({
      MasterDBInstanceId: PRIMARY,
      Name: `rf-${PRIMARY}`,
      ReplayLagEliminate: 1,
      ReplayLatencyEliminate: 1,
      MaxReplayLag: 30,
      MaxReplayLatency: 512,
      MinDelayEliminateReserve: 1,
    });
  });

  it('never makes a second group after a lost CreateReadOnlyGroup answer: it waits and finds the first by name', async () => {
    const ports = corePorts();
    const groups = withGroups(ports);
    // The group is made, but the answer is lost.
    ports.tencent.script('createReadOnlyGroup', () => {
      groups.push({
        ReadOnlyGroupId: 'pgrogrp-lost0001',
        ReadOnlyGroupName: `rf-${PRIMARY}`,
        Status: 'creating',
      } as ReadOnlyGroup);
      return failure.timeout();
    });
    const [lost, next] = [recordWith({ mode: 'auto' }), recordWith({ mode: 'auto' })];
    for (const record of [lost, next]) ports.store.records.set(record.requestId, record);

    const outcomes = await createAll(ports, [lost as RequestRecord]);
    const later = await createAll(ports, [next as RequestRecord]);

    expect(outcomes).toEqual(['retry']);
    expect(later).toEqual(['submitted']);
    expect(ports.tencent.callsOf('createReadOnlyGroup')).toHaveLength(1);
    expect(ports.tencent.callsOf('createReadOnlyDBInstance')[0]?.request.ReadOnlyGroupId).toBe(
      'pgrogrp-lost0001',
    );
  });

  it('passes the policy group id as ReadOnlyGroupId, without looking up or making a group', async () => {
    const ports = corePorts();
    withGroups(ports);
    const record = recordWith({ mode: 'pgrogrp-ab12cd34' });
    ports.store.records.set(record.requestId, record);

    await createReplica(record.requestId, { ...ports, leaseMs: LEASE_MS, owner: 'me' });

    expect(ports.tencent.callsOf('createReadOnlyDBInstance')[0]?.request.ReadOnlyGroupId).toBe(
      'pgrogrp-ab12cd34',
    );
    expect(ports.tencent.callsOf('describeReadOnlyGroups')).toEqual([]);
  });

  it('joins no group with mode none', async () => {
    const ports = corePorts();
    withGroups(ports);
    const record = recordWith({ mode: 'none' });
    ports.store.records.set(record.requestId, record);

    await createReplica(record.requestId, { ...ports, leaseMs: LEASE_MS, owner: 'me' });

    expect(ports.tencent.callsOf('createReadOnlyDBInstance')[0]?.request.ReadOnlyGroupId).toBeUndefined();
    expect(ports.tencent.callsOf('createReadOnlyGroup')).toEqual([]);
  });

  it('ends FAILED with Tencent code when Tencent refuses to make the group', async () => {
    const ports = corePorts();
    withGroups(ports);
    ports.tencent.script('createReadOnlyGroup', {
      fail: failure.business('FailedOperation.ROGroupNumExceedError'),
    });
    const record = recordWith({ mode: 'auto' });
    ports.store.records.set(record.requestId, record);

    const outcome = await createReplica(record.requestId, { ...ports, leaseMs: LEASE_MS, owner: 'me' });

    expect(outcome).toBe('failed');
    expect((await ports.store.get(record.requestId))?.failure?.code).toBe(
      'FailedOperation.ROGroupNumExceedError',
    );
    expect(ports.tencent.callsOf('createReadOnlyDBInstance')).toEqual([]);
  });
});
