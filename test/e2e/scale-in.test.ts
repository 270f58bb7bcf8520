import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestView } from '#shared/use-cases/request-view.ts';
import { policyFixturePath } from '#test/fixtures/policies.ts';
import { eventBytes } from '#test/support/alert-harness.ts';
import { type AlertStackFixture, startAlertStack } from '#test/support/alert-stack-fixture.ts';
import { eventually } from '#test/support/eventually.ts';

/**
 * Alert-driven scale-in through the whole local stack (ingest, validate, the create queue's worker,
 * the poller, the emulator through the real SDK, a verifying webhook receiver): an alert fires and a
 * replica is made; the alert resolves and, once stable (1 s here, no cooldown), the poller removes
 * that one replica, which is isolated and destroyed, and `replica.removed` is delivered.
 */
describe('alert-driven scale-in through the local stack', () => {
  let fixture: AlertStackFixture;
  const PRIMARY = 'postgres-abcdef';

  beforeAll(async () => {
    fixture = await startAlertStack({ policyFile: policyFixturePath('scale-in.yaml') });
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it('adds a replica when the alert fires and removes it once the resolved alert stayed stable', async () => {
    const running = () => fixture.replicasOf(PRIMARY).filter((replica) => replica.status === 'running');
    const before = running().length;

    const fired = await fixture.alertmanager(eventBytes('alertmanager/firing.wire.json'));
    expect(fired.status).toBe(200);
    const [scaleOut] = ((await fired.json()) as { accepted: { requestId: string }[] }).accepted;
    const ready = await fixture.settled(scaleOut?.requestId ?? '');
    expect(ready.state).toBe('READY');
    const replicaId = ready.instances[0]?.instanceId ?? '';
    expect(running().map((replica) => replica.id)).toContain(replicaId);

    const resolved = await fixture.alertmanager(eventBytes('alertmanager/resolved.wire.json'));
    expect(resolved.status).toBe(200);
    expect(await resolved.json()).toMatchObject({
      scaleIn: [{ primaryId: PRIMARY, alertName: 'PostgresHighCPU', epoch: 1 }],
    });

    const store = fixture.stack.dependencies.store;
    const step = await eventually(
      'the poller to take a scale-in step',
      () => store.getFleetState(PRIMARY),
      (state) => state?.lastScaleIn !== undefined,
      { timeoutMs: 30_000 },
    );
    const removalId = step?.lastScaleIn?.requestId ?? '';
    const removed = await fixture.receiver.waitFor(removalId, 60_000);
    const failure = (removed.payload as { data?: { error?: unknown } }).data?.error;
    expect(removed.payload, `the removal's failure: ${JSON.stringify(failure)}`).toMatchObject({
      type: 'replica.removed',
      data: { state: 'DESTROYED', removal: { DBInstanceId: replicaId } },
    });
    const removal = (await (
      await fetch(new URL(`/v1/replica-removals/${removalId}`, fixture.stack.ingressUrl), {
        headers: { authorization: `Bearer ${fixture.stack.credentials.apiKey}` },
      })
    ).json()) as RequestView;
    expect(removal).toMatchObject({
      kind: 'removal',
      state: 'DESTROYED',
      requester: { source: 'alertmanager', identity: 'scale-in' },
    });
    expect(removal.history.map((entry) => entry.state)).toEqual([
      'RECEIVED',
      'VALIDATED',
      'DRAINING',
      'ISOLATING',
      'ISOLATED',
      'DESTROYED',
    ]);
    expect(fixture.replicasOf(PRIMARY).find((replica) => replica.id === replicaId)?.status).toMatch(
      /^offlin(ing|e)$/,
    );
    // One replica removed, no more: back to where it started; at the minimum (0) the candidacy ends.
    expect(running()).toHaveLength(before);
    await eventually(
      'the candidacy to end with nothing left to remove',
      () => store.getFleetState(PRIMARY),
      (state) => state?.candidate === undefined && state?.ended !== undefined,
      { timeoutMs: 15_000 },
    );
  }, 120_000);
});
