import { randomUUID } from 'node:crypto';
import { LOAD_TEST_WORLD_PATH } from '@replica-flow/tencent-emulator/world/load-world.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followRequest } from '#local/cli/api-client.ts';
import { policyFixturePath } from '#test/fixtures/policies.ts';
import { E2E_TIMINGS, type StackFixture, startStackFixture } from '#test/support/local-stack-fixture.ts';

const PRIMARY = 'postgres-abcdef';
const FIRST_SCALE_OUTS = 20;

/**
 * `readOnlyGroup: auto` through the whole local stack and the real SDK: 20 first scale-outs of a
 * primary with no group arrive at once; the emulator world lets a primary have a million groups, so a
 * second group would be made, not refused. One group is made, and every replica joins it.
 */
describe('readOnlyGroup auto, end to end', () => {
  let fixture: StackFixture;

  beforeAll(async () => {
    fixture = await startStackFixture({
      world: LOAD_TEST_WORLD_PATH,
      emulatorTimings: E2E_TIMINGS,
      policyFile: policyFixturePath('group-auto.yaml'),
      pollIntervalMs: 300,
    });
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it('makes one group across 20 concurrent first scale-outs, and every replica joins it', async () => {
    const answers = await Promise.all(
      Array.from({ length: FIRST_SCALE_OUTS }, () =>
        fixture.api.submit({ MasterDBInstanceId: PRIMARY }, `group-${randomUUID()}`),
      ),
    );
    const views = await Promise.all(
      answers.map((answer) =>
        followRequest(fixture.api, answer.requestId, { timeoutMs: 90_000, intervalMs: 300 }),
      ),
    );
    const { ReadOnlyGroupList = [] } = await fixture.stack.dependencies.tencent.describeReadOnlyGroups(
      'ap-beijing',
      { Filters: [{ Name: 'db-master-instance-id', Values: [PRIMARY] }] },
    );

    expect(views.map((view) => view.state)).toEqual(Array(FIRST_SCALE_OUTS).fill('READY'));
    expect(ReadOnlyGroupList.map((group) => group.ReadOnlyGroupName)).toEqual(['rf-e2e-abcdef']);
    const replicas = views.flatMap((view) => view.instances.map((instance) => instance.instanceId));
    expect(replicas).toHaveLength(FIRST_SCALE_OUTS);
    expect(
      (ReadOnlyGroupList[0]?.ReadOnlyDBInstanceList ?? []).map((member) => member.DBInstanceId).sort(),
    ).toEqual([...replicas].sort());
  }, 120_000);
});
