import { beforeEach } from 'vitest';
import type { RunningEmulator } from '#emulator/server.ts';
import { INSTANT_TIMINGS, sdkClient, seedCreateRequest } from '#emulator-test/support/emulator-fixture.ts';

/**
 * A frozen clock for fleet tests that goes back to its start before every test (the emulator is
 * reset after every test, so nothing outlives the rewind). Signatures are checked against it, so
 * one test may move it at most a few minutes.
 */
export const rewindingClock = () => {
  const start = Date.now();
  let offset = 0;
  beforeEach(() => {
    offset = 0;
  });
  return {
    now: () => start + offset,
    advance: (ms: number) => {
      offset += ms;
    },
  };
};

/**
 * Provisioning is instant; removal and group tasks take (shortened) time: isolating 2 s, recycle bin
 * 30 s postpaid / 70 s prepaid (3 and 7 "days"), offlining 1 s, group tasks 3 s.
 */
export const FLEET_TIMINGS = {
  ...INSTANT_TIMINGS,
  isolatingMs: 2000,
  postpaidRecycleMs: 30_000,
  prepaidRecycleMs: 70_000,
  offliningMs: 1000,
  groupTaskMs: 3000,
} as const;

/** A valid prepaid create for the default world's prepaid primary in Guangzhou. */
export const GUANGZHOU_PREPAID = {
  MasterDBInstanceId: 'postgres-gzprep01',
  Zone: 'ap-guangzhou-3',
  VpcId: 'vpc-billinggz',
  SubnetId: 'subnet-billgz03',
  SecurityGroupIds: ['sg-billing1'],
  InstanceChargeType: 'PREPAID',
  Storage: 200,
} as const;

/** Creates one postpaid replica of `postgres-abcdef` (running at once with instant timings); returns its id. */
export const createReplica = async (
  emulator: RunningEmulator,
  overrides: Parameters<typeof seedCreateRequest>[0] = {},
): Promise<string> => {
  const res = await sdkClient(emulator).CreateReadOnlyDBInstance(seedCreateRequest(overrides));
  const id = res.DBInstanceIdSet?.[0];
  if (!id) throw new Error('the create returned no instance id');
  return id;
};

/** Creates one prepaid replica in Guangzhou (ids only via orders: read from the control API). */
export const createPrepaidReplica = async (emulator: RunningEmulator): Promise<string> => {
  const res = await sdkClient(emulator, { region: 'ap-guangzhou' }).CreateReadOnlyDBInstance(
    seedCreateRequest(GUANGZHOU_PREPAID),
  );
  const instance = emulator.instances().find((i) => i.dealName === res.DealNames?.[0]);
  if (!instance) throw new Error('the prepaid create made no instance');
  return instance.id;
};

/** The instance as DescribeDBInstanceAttribute shows it. */
export const attributeOf = async (emulator: RunningEmulator, id: string, region = 'ap-beijing') =>
  (await sdkClient(emulator, { region }).DescribeDBInstanceAttribute({ DBInstanceId: id })).DBInstance;

/** One read-only group of `postgres-abcdef` as DescribeReadOnlyGroups shows it (undefined when gone). */
export const groupOf = async (emulator: RunningEmulator, groupId: string) =>
  (
    await sdkClient(emulator).DescribeReadOnlyGroups({
      Filters: [
        { Name: 'db-master-instance-id', Values: ['postgres-abcdef'] },
        { Name: 'read-only-group-id', Values: [groupId] },
      ],
    })
  ).ReadOnlyGroupList?.[0];

/** The task as DescribeTasks shows it. */
export const taskOf = async (emulator: RunningEmulator, taskId: number) =>
  (await sdkClient(emulator).DescribeTasks({ TaskId: taskId })).TaskSet?.[0];
