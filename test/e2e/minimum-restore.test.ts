import type { EmulatorInstance } from '@replica-flow/tencent-emulator/emulator.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUEST_TAG_KEY } from '#shared/domain/idempotency.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import { MINIMUM_REQUESTER } from '#shared/use-cases/restore-minimums.ts';
import { policyFixturePath } from '#test/fixtures/policies.ts';
import { eventually } from '#test/support/eventually.ts';
import { type StackFixture, startStackFixture } from '#test/support/local-stack-fixture.ts';

const PRIMARY = 'postgres-abcdef';

/**
 * The minimum through the whole local stack (test/fixtures/policies/minimum.yaml, minReplicas 1):
 * the poller's scheduled cycle makes the first replica, and makes another when someone deletes it out
 * of band (the emulator's control API, as the console would) — one request each time.
 */
describe('minReplicas through the local stack', () => {
  let fixture: StackFixture;

  const replicasOf = (): EmulatorInstance[] =>
    (fixture.stack.emulator?.instances() ?? []).filter((instance) => instance.primaryId === PRIMARY);
  const running = () => replicasOf().filter((instance) => instance.status === 'running');
  const recordOf = async (instance: EmulatorInstance): Promise<RequestRecord | undefined> =>
    fixture.stack.dependencies.store.get(
      instance.tags.find((tag) => tag.TagKey === REQUEST_TAG_KEY)?.TagValue ?? '(untagged)',
    );

  beforeAll(async () => {
    fixture = await startStackFixture({
      policyFile: policyFixturePath('minimum.yaml'),
      pollIntervalMs: 300,
      // The minimum marker is held one poll lock: a retry after a failed restore waits that long.
      settings: { pollLockMs: 3000 },
    });
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it('restores the minimum after an out-of-band deletion, with one poller request each time', async () => {
    const [first] = await eventually(
      'the poller to make the first replica',
      running,
      (now) => now.length === 1,
      {
        timeoutMs: 30_000,
      },
    );
    const firstRecord = await recordOf(first as EmulatorInstance);
    expect(firstRecord?.requester).toMatchObject({ ...MINIMUM_REQUESTER, context: { reason: 'minimum' } });
    await eventually(
      'its request to end READY',
      () => recordOf(first as EmulatorInstance),
      (record) => record?.state === 'READY',
    );

    const deleted = await fetch(`${fixture.stack.emulatorUrl}/_emulator/out-of-band-deletions`, {
      method: 'POST',
      body: JSON.stringify({ DBInstanceId: first?.id }),
    });
    expect(deleted.status).toBe(200);

    const [second] = await eventually(
      'the poller to replace it',
      running,
      (now) => now.length === 1 && now[0]?.id !== first?.id,
      { timeoutMs: 40_000 },
    );
    const secondRecord = await eventually(
      'the replacement request to end READY',
      () => recordOf(second as EmulatorInstance),
      (record) => record?.state === 'READY',
    );
    expect(secondRecord?.requester).toMatchObject({ identity: MINIMUM_REQUESTER.identity });
    expect(secondRecord?.requestId).not.toBe(firstRecord?.requestId);
    // One replica made each time: the deleted one and its replacement, nothing else.
    expect(
      replicasOf()
        .map((instance) => instance.id)
        .sort(),
    ).toEqual([first?.id, second?.id].sort());
    expect(
      fixture.stack.emulator?.mutations().filter((entry) => entry.via === 'api'),
      'the poller changed no instance',
    ).toEqual([]);
  }, 90_000);
});
