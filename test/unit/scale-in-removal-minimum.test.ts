import type { DBInstance } from 'tencentcloud-sdk-nodejs/tencentcloud/services/postgres/v20170312/postgres_models.js';
import { describe, expect, it } from 'vitest';
import type { RemovalDetails } from '#shared/domain/removal-request.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import { removeReplica } from '#shared/use-cases/remove-replica.ts';
import { taggedReplica } from '#test/fixtures/replica-instances.ts';
import { corePorts, validatedRecord } from '#test/support/core-harness.ts';

/**
 * An alert's removal (a scale-in step) re-checks the primary's minimum against Tencent right before
 * the step that takes its replica out of service: a replica that vanished out of band after
 * validation must not let scale-in go below `scaleOut.minReplicas`.
 */
const PRIMARY = 'postgres-abcdef';
const TARGET = 'pgro-ab12cd34';
const REGION = 'ap-beijing';

const replica = (id: string): DBInstance => taggedReplica(id);

const alertRemoval = (): RequestRecord => {
  const { plan: _plan, ...base } = validatedRecord('VALIDATED');
  const removal: RemovalDetails = {
    trigger: { kind: 'alert' },
    target: { instanceId: TARGET, region: REGION, payType: 'postpaid' },
    destroy: 'immediate',
    minReplicas: 1,
  };
  return {
    ...base,
    kind: 'removal',
    request: { MasterDBInstanceId: PRIMARY, idempotencyKey: base.idempotencyKey, requester: base.requester },
    removal,
  };
};

const setup = (listed: DBInstance[]) => {
  const ports = corePorts();
  ports.tencent.otherwise('describeDBInstances', (request) => {
    const ids = request.Filters?.find((filter) => filter.Name === 'db-instance-id')?.Values;
    const set = ids ? listed.filter((instance) => ids.includes(instance.DBInstanceId ?? '')) : listed;
    return { DBInstanceSet: set, TotalCount: set.length };
  });
  ports.tencent.otherwise('describeReadOnlyGroups', () => ({ ReadOnlyGroupList: [] }));
  ports.tencent.otherwise('isolateDBInstances', () => ({}));
  return { ...ports, deps: { ...ports, leaseMs: 60_000, owner: 'worker-1' } };
};

describe('an alert removal at step time', () => {
  it('isolates while the primary stays at or above its minimum', async () => {
    const world = setup([replica(TARGET), replica('pgro-other001')]);
    const record = alertRemoval();
    await world.store.putNew(record);
    await removeReplica(record, world.deps);
    expect(world.tencent.callsOf('isolateDBInstances')).toHaveLength(1);
    expect((await world.store.get(record.requestId))?.state).toBe('ISOLATING');
  });

  it('never isolates when the other replica vanished since validation: the minimum refuses it', async () => {
    const world = setup([replica(TARGET)]);
    const record = alertRemoval();
    await world.store.putNew(record);
    await removeReplica(record, world.deps);
    expect(world.tencent.callsOf('isolateDBInstances')).toEqual([]);
    const after = await world.store.get(record.requestId);
    expect(after?.state).toBe('REMOVAL_FAILED');
    expect(JSON.stringify(after?.failure)).toContain('below');
  });
});
