import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FaultKind } from '@replica-flow/tencent-emulator/faults/fault-plan.ts';
import { LOAD_TEST_WORLD_PATH } from '@replica-flow/tencent-emulator/world/load-world.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followRequest } from '#local/cli/api-client.ts';
import { SEED_EXAMPLE_REQUEST } from '#local/cli/demo-command.ts';
import { REQUEST_TAG_KEY } from '#shared/domain/idempotency.ts';
import { type StackFixture, startStackFixture } from '#test/support/local-stack-fixture.ts';
import { pathWithoutProvisioning } from '#test/support/state-path.ts';

/**
 * One focused test per failure mode of the create call and of provisioning (the chaos run mixes them
 * all). Short timings: replicas are listed 300 ms after the create and run 500 ms later; the Tencent
 * client gives up after 1 s; reconciliation re-issues after 1 s of finding nothing (> 1.5 × 300 ms).
 */
const TIMINGS = {
  orderVisibleAfterMs: 200,
  orderIdsLagMs: 0,
  listedAfterMs: 300,
  applyingMs: 200,
  initingMs: 300,
};
const CREATE = 'CreateReadOnlyDBInstance';
/** Worlds and policy with room for many replicas of one primary (the chaos run's). */
const WORLD_FILE = LOAD_TEST_WORLD_PATH;
const POLICY_FILE = 'local/chaos/chaos-policy.yaml';

const crashes = new Set<string>();

describe('each create and provisioning failure, alone', () => {
  let fixture: StackFixture;

  beforeAll(async () => {
    const world = { ...JSON.parse(readFileSync(WORLD_FILE, 'utf8')), timings: TIMINGS };
    fixture = await startStackFixture({
      world,
      policyFile: POLICY_FILE,
      pollIntervalMs: 200,
      tencentTimeoutSeconds: 1,
      settings: {
        visibilityGraceMs: 1000,
        leaseMs: 2000,
        requeueAfterMs: 2000,
        // Long enough for the slowest path here (UNKNOWN, the grace period, a second create) on a busy
        // 2-core machine — 4 s ran out under load; ProvisioningStuck waits for it in full.
        provisioningTimeoutMs: 10_000,
        retryBackoff: { baseSeconds: 1, maxSeconds: 1 },
      },
      afterCreateCall: async (requestId) => {
        if (!crashes.delete(requestId)) return;
        // The process dies here; its message is delivered again at once (a retrying queue), while
        // the lease is still held.
        await fixture.stack.dependencies.queue.send('create', { requestId });
        throw new Error(`simulated crash after the create call of ${requestId}`);
      },
    });
  });
  afterAll(async () => {
    await fixture?.close();
  });

  const replicasOf = (requestId: string) =>
    (fixture.stack.emulator?.instances() ?? []).filter((instance) =>
      instance.tags.some((tag) => tag.TagKey === REQUEST_TAG_KEY && tag.TagValue === requestId),
    );

  /** Submits the seed example with the next create call meeting `fault`; follows it to its end and webhook. */
  const requestMeeting = async (fault?: FaultKind, options: { crash?: boolean; delayMs?: number } = {}) => {
    fixture.stack.emulator?.clearFaults();
    if (fault) {
      fixture.stack.emulator?.addFaults({
        rules: [
          { action: CREATE, sequence: [fault], ...(options.delayMs ? { delayMs: options.delayMs } : {}) },
        ],
      });
    }
    const key = `fault-${fault ?? 'crash'}-${randomUUID()}`;
    const answer = await fixture.api.submit(
      { ...SEED_EXAMPLE_REQUEST, callback: { url: fixture.receiver.url } },
      key,
    );
    if (options.crash) crashes.add(answer.requestId);
    const view = await followRequest(fixture.api, answer.requestId, { timeoutMs: 25_000, intervalMs: 100 });
    const webhook = await fixture.receiver.waitFor(answer.requestId, 10_000);
    const states = view.history.map((entry) => entry.state);
    return {
      view,
      webhook,
      states,
      notes: view.history.map((entry) => entry.note ?? ''),
      replicas: replicasOf(answer.requestId),
    };
  };

  it.each<FaultKind>(['InternalError', 'HTTP502', 'HTTP504'])(
    'an ambiguous %s: UNKNOWN, nothing found for the grace period, the create re-issued once, one replica',
    async (fault) => {
      const { view, states, replicas, webhook } = await requestMeeting(fault);

      expect(view.state).toBe('READY');
      expect(pathWithoutProvisioning(states)).toEqual([
        'RECEIVED',
        'VALIDATED',
        'CREATING',
        'UNKNOWN',
        'VALIDATED',
        'CREATING',
        'SUBMITTED',
        'READY',
      ]);
      expect(replicas).toHaveLength(1);
      expect(webhook.payload.type).toBe('replica.ready');
    },
  );

  it('RequestLimitExceeded: refused before acceptance, back to VALIDATED, retried after a backoff, one replica', async () => {
    const { view, states, replicas } = await requestMeeting('RequestLimitExceeded');

    expect(view.state).toBe('READY');
    expect(states.slice(0, 5)).toEqual(['RECEIVED', 'VALIDATED', 'CREATING', 'VALIDATED', 'CREATING']);
    expect(states).not.toContain('UNKNOWN');
    expect(replicas).toHaveLength(1);
  });

  it.each<[FaultKind, { delayMs?: number }]>([
    ['LostResponse', {}],
    ['Delay', { delayMs: 1500 }],
  ])(
    '%s after the create took effect: UNKNOWN, the replica found by its tag and adopted, never re-issued',
    async (fault, options) => {
      const { view, states, notes, replicas } = await requestMeeting(fault, options);

      expect(view.state).toBe('READY');
      expect(states.filter((state) => state === 'CREATING')).toHaveLength(1);
      expect(states).toContain('UNKNOWN');
      expect(notes.some((note) => /adopted pgro-\w+ found by tag/.test(note))).toBe(true);
      expect(replicas).toHaveLength(1);
      expect(view.instances.map((instance) => instance.instanceId)).toEqual(
        replicas.map((replica) => replica.id),
      );
    },
  );

  it('a crash between the create call and the store write: the redelivery finds the lease held, the lease expires, the replica is adopted', async () => {
    const { view, states, notes, replicas } = await requestMeeting(undefined, { crash: true });

    expect(view.state).toBe('READY');
    expect(notes).toContain('lease expired during the create call; reconciling');
    // The redelivery found CREATING under the lease and did nothing; only reconciliation acted.
    expect(states.filter((state) => state === 'CREATING')).toHaveLength(1);
    expect(replicas).toHaveLength(1);
  });

  it('a replica listed late (just inside the grace period) after a lost response is still adopted, not re-created', async () => {
    fixture.stack.emulator?.setTimings({ listedAfterMs: 650 });
    try {
      const { view, states, replicas } = await requestMeeting('LostResponse');

      expect(view.state).toBe('READY');
      expect(states.filter((state) => state === 'CREATING')).toHaveLength(1);
      expect(replicas).toHaveLength(1);
    } finally {
      fixture.stack.emulator?.setTimings({ listedAfterMs: TIMINGS.listedAfterMs });
    }
  });

  it('ProvisioningFails: the replica ends isolated, the request FAILED with the reason, replica.failed delivered', async () => {
    const { view, webhook, replicas } = await requestMeeting('ProvisioningFails');

    expect(view.state).toBe('FAILED');
    expect(view.failure?.code).toBe('ProvisioningFailed');
    expect(webhook.payload.type).toBe('replica.failed');
    expect(replicas).toHaveLength(1);
  });

  it('ProvisioningStuck: past the provisioning deadline the request ends TIMED_OUT, replica.timed_out delivered', async () => {
    const { view, webhook, replicas } = await requestMeeting('ProvisioningStuck');

    expect(view.state).toBe('TIMED_OUT');
    expect(view.failure?.code).toBe('ProvisioningTimedOut');
    expect(webhook.payload.type).toBe('replica.timed_out');
    expect(replicas).toHaveLength(1);
  });

  it('a webhook receiver down for a while: retried with backoff until it answers, delivered once with one webhook-id', async () => {
    // A count, not a duration: on a busy machine a 2.5 s outage could end before the first attempt.
    fixture.receiver.failNext(2);
    const { view, webhook } = await requestMeeting();

    expect(view.notification?.status).toBe('DELIVERED');
    expect(view.notification?.attempts.filter((attempt) => !attempt.ok).length).toBeGreaterThan(0);
    expect(webhook.id).toBe(view.notification?.webhookId);
    expect(
      new Set(
        fixture.receiver.received
          .filter((hook) => hook.payload.data.requestId === view.requestId)
          .map((hook) => hook.id),
      ).size,
    ).toBe(1);
  });
});

describe('the local stack refuses timings that could create a duplicate', () => {
  it.each([
    [
      'a grace period not longer than 1.5 × the listing delay',
      { visibilityGraceMs: 1500 },
      /visibility grace period/,
    ],
    ['a lease shorter than twice the Tencent timeout', { leaseMs: 1500 }, /create lease/],
  ])('%s', async (_name, settings, message) => {
    const world = {
      ...JSON.parse(readFileSync(WORLD_FILE, 'utf8')),
      timings: { listedAfterMs: 1000 },
    };

    await expect(
      startStackFixture({
        world,
        tencentTimeoutSeconds: 1,
        settings: { visibilityGraceMs: 2000, leaseMs: 2000, ...settings },
      }),
    ).rejects.toThrow(message);
  });
});
