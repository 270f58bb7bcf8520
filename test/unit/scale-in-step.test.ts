import type { DBInstance } from 'tencentcloud-sdk-nodejs/tencentcloud/services/postgres/v20170312/postgres_models.js';
import { describe, expect, it } from 'vitest';
import { DEPLOYMENT_TAG_KEY } from '#shared/domain/deployment-identity.ts';
import { parsePolicy } from '#shared/domain/policy-loader.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import { MIN_SCALE_OUT_HOLD_SECONDS, scaleOutMarkerName } from '#shared/domain/scale-out-marker.ts';
import type { FiringAlert, ResolvedAlert } from '#shared/ingress/alerts/alert.ts';
import { fleetView } from '#shared/use-cases/fleet-view.ts';
import { noteFiring, noteResolved } from '#shared/use-cases/scale-in-candidacy.ts';
import { stepScaleIn } from '#shared/use-cases/scale-in-step.ts';
import { validateRequest } from '#shared/use-cases/validate-request.ts';
import { taggedReplica } from '#test/fixtures/replica-instances.ts';
import { FIXTURE_TIME } from '#test/fixtures/request-records.ts';
import { corePorts, validatedRecord } from '#test/support/core-harness.ts';

/**
 * The poll cycle's scale-in step against the core fakes (in-memory store with conditional writes,
 * scripted Tencent listing a small fleet, fixed clock): when a candidate becomes one removal
 * request, and when it does not.
 */

const PRIMARY = 'postgres-abcdef';
const STABLE_S = 300;
const COOLDOWN_S = 600;

const policyWith = (scaleIn: string, minReplicas = 1, scaleOutCooldown = 60) =>
  parsePolicy(
    `version: 1
regions: [ap-beijing]
specs: [pg.it.small2]
limits: { maxStorage: 500, maxInstanceCount: 2, maxReplicasPerPrimary: 5 }
primaries:
  ${PRIMARY}:
    defaults: { Region: ap-beijing, Zone: ap-beijing-4 }
    scaleOut: { enabled: true, maxReplicas: 4, cooldownSeconds: ${scaleOutCooldown}, minReplicas: ${minReplicas} }
    scaleIn: ${scaleIn}
`,
    'yaml',
  );

const POLICY = policyWith(
  `{ enabled: true, stableForSeconds: ${STABLE_S}, cooldownSeconds: ${COOLDOWN_S}, destroy: immediate }`,
);

/** `store`, but every new record it is asked to put fails (the process "crashes" before recording it). */
const failingPuts = <Store extends object>(store: Store): Store =>
  Object.assign(Object.create(store), {
    putNew: async () => {
      throw new Error('store unreachable');
    },
  });

const replica = (id: string, overrides: Partial<DBInstance> = {}): DBInstance =>
  taggedReplica(id, { CreateTime: '2026-11-29 09:00:00', ...overrides });

const resolvedAlert: ResolvedAlert = {
  source: 'alertmanager',
  alertName: 'PostgresHighCPU',
  primaryId: PRIMARY,
  key: 'c6d2f0a9e58b3f41',
};

const firingAlert = (key = 'c6d2f0a9e58b3f41'): FiringAlert => ({
  ...resolvedAlert,
  key,
  dedupe: [key, FIXTURE_TIME],
  context: {},
});

/** Core ports whose Tencent lists `fleet` (this deployment's replicas of the primary). */
const setup = (
  fleet: DBInstance[] = [replica('pgro-aaaaaaa1'), replica('pgro-aaaaaaa2')],
  policy = POLICY,
) => {
  const ports = corePorts();
  ports.tencent.otherwise('describeDBInstances', () => ({ DBInstanceSet: fleet, TotalCount: fleet.length }));
  const deps = { ...ports, policy };
  const seconds = (s: number) => ports.clock.advance(s * 1000);
  const removals = () => [...ports.store.records.values()].filter((record) => record.kind === 'removal');
  return { ...ports, deps, seconds, removals };
};

/** Ends a removal record as the worker would (its terminal state written at the clock's time). */
const endRemoval = (world: ReturnType<typeof setup>, record: RequestRecord) => {
  const at = world.clock.now().toISOString();
  world.store.records.set(record.requestId, {
    ...record,
    state: 'DESTROYED',
    version: record.version + 1,
    updatedAt: at,
    history: [...record.history, { state: 'DESTROYED', at }],
  });
};

describe('stepScaleIn (the poll cycle turns a scale-in candidate into one removal)', () => {
  it('does not act before stableForSeconds since the resolve, then requests exactly one removal', async () => {
    const world = setup();
    await noteResolved(resolvedAlert, world.deps);

    world.seconds(STABLE_S - 1);
    expect((await stepScaleIn(world.deps)).requested).toEqual([]);
    expect(world.removals()).toEqual([]);

    world.seconds(1);
    const report = await stepScaleIn(world.deps);
    expect(report.requested).toHaveLength(1);
    const [removal] = world.removals();
    expect(removal).toMatchObject({
      requestId: report.requested[0],
      state: 'RECEIVED',
      request: { MasterDBInstanceId: PRIMARY },
      removal: { trigger: { kind: 'alert' } },
      requester: { source: 'alertmanager', identity: 'scale-in' },
    });
    expect(world.queue.sent).toEqual([{ queue: 'requests', body: { requestId: removal?.requestId } }]);

    // Another cycle while that removal has not ended: nothing more.
    world.seconds(COOLDOWN_S * 10);
    expect((await stepScaleIn(world.deps)).requested).toEqual([]);
    expect(world.removals()).toHaveLength(1);
  });

  it('measures the stable window from the last firing: an alert that fires again ends the candidacy', async () => {
    const world = setup();
    await noteResolved(resolvedAlert, world.deps);
    world.seconds(STABLE_S - 10);
    await noteFiring(firingAlert(), world.deps);
    world.seconds(STABLE_S * 10);
    expect(await stepScaleIn(world.deps)).toMatchObject({ candidates: 0, requested: [] });
    expect(await world.store.getFleetState(PRIMARY)).toMatchObject({
      ended: { reason: 'PostgresHighCPU fired' },
    });
  });

  it('is not a candidate while another alert of the primary still fires', async () => {
    const world = setup();
    await noteFiring(firingAlert('connections-alert'), world.deps);
    const candidacy = await noteResolved(resolvedAlert, world.deps);
    expect(candidacy).toEqual({
      candidate: false,
      reason: 'resolved; not a scale-in candidate while PostgresHighCPU still fire(s)',
    });
    world.seconds(STABLE_S * 10);
    expect((await stepScaleIn(world.deps)).requested).toEqual([]);
  });

  it('waits cooldownSeconds after the primary last scaled out (a READY create of it)', async () => {
    const world = setup();
    const readyAt = world.clock.now().toISOString();
    const create = validatedRecord('READY', {
      requestId: 'r-00000000000000c1',
      history: [{ state: 'READY', at: readyAt }],
    });
    world.store.records.set(create.requestId, create);
    await noteResolved(resolvedAlert, world.deps);

    world.seconds(COOLDOWN_S - 1); // stable (300 s) has passed; the cooldown (600 s) has not
    expect((await stepScaleIn(world.deps)).requested).toEqual([]);
    world.seconds(1);
    expect((await stepScaleIn(world.deps)).requested).toHaveLength(1);
  });

  it('takes the next step only after the previous removal ended and the cooldown passed again', async () => {
    const world = setup([replica('pgro-aaaaaaa1'), replica('pgro-aaaaaaa2'), replica('pgro-aaaaaaa3')]);
    await noteResolved(resolvedAlert, world.deps);
    world.seconds(STABLE_S);
    const first = await stepScaleIn(world.deps);
    expect(first.requested).toHaveLength(1);

    world.seconds(60);
    endRemoval(world, world.removals()[0] as RequestRecord);
    world.seconds(COOLDOWN_S - 1);
    expect((await stepScaleIn(world.deps)).requested).toEqual([]);
    world.seconds(1);
    const second = await stepScaleIn(world.deps);
    expect(second.requested).toHaveLength(1);
    expect(second.requested[0]).not.toBe(first.requested[0]);
    expect(world.removals()).toHaveLength(2);
  });

  it('never asks for a removal that would go below minReplicas: at the minimum the candidacy ends', async () => {
    const world = setup([replica('pgro-aaaaaaa1')], POLICY); // minReplicas 1, one replica
    await noteResolved(resolvedAlert, world.deps);
    world.seconds(STABLE_S);
    const report = await stepScaleIn(world.deps);
    expect(report).toMatchObject({ requested: [], ended: 1 });
    expect(world.removals()).toEqual([]);
    expect(world.queue.sent).toEqual([]);
    expect((await world.store.getFleetState(PRIMARY))?.ended?.reason).toMatch(/^below-minimum: /);
    // Ended: later cycles do nothing until an alert resolves again.
    world.seconds(COOLDOWN_S * 10);
    expect(await stepScaleIn(world.deps)).toMatchObject({ candidates: 0, requested: [] });
  });

  it('never takes a prepaid replica or another deployment’s: nothing removable ends the candidacy', async () => {
    const foreign = replica('pgro-aaaaaaa3', {
      TagList: [{ TagKey: DEPLOYMENT_TAG_KEY, TagValue: 'someone-else' }],
    });
    const world = setup(
      [
        replica('pgro-aaaaaaa1', { PayType: 'prepaid' }),
        replica('pgro-aaaaaaa2', { PayType: 'prepaid' }),
        foreign,
      ],
      policyWith(`{ enabled: true, stableForSeconds: ${STABLE_S}, cooldownSeconds: 0 }`, 0),
    );
    await noteResolved(resolvedAlert, world.deps);
    world.seconds(STABLE_S);
    expect(await stepScaleIn(world.deps)).toMatchObject({ requested: [], ended: 1 });
    expect((await world.store.getFleetState(PRIMARY))?.ended?.reason).toMatch(/^prepaid-needs-admin: /);
  });

  it('makes exactly one request when two poller runs step at once', async () => {
    const world = setup();
    await noteResolved(resolvedAlert, world.deps);
    world.seconds(STABLE_S);
    const [a, b] = await Promise.all([stepScaleIn(world.deps), stepScaleIn(world.deps)]);
    expect([...a.requested, ...b.requested]).toHaveLength(1);
    expect(world.removals()).toHaveLength(1);
    expect(world.queue.sent.filter((message) => message.queue === 'requests')).toHaveLength(1);
  });

  it('records a claimed step that a crash left unrecorded, under the same key, once', async () => {
    const world = setup();
    await noteResolved(resolvedAlert, world.deps);
    world.seconds(STABLE_S);
    // The claim is written, then the removal's put fails (the process "crashes" before recording it).
    const crashing = failingPuts(world.store);
    await expect(stepScaleIn({ ...world.deps, store: crashing })).rejects.toThrow('store unreachable');
    expect(world.removals()).toEqual([]);
    const claimed = (await world.store.getFleetState(PRIMARY))?.lastScaleIn;
    expect(claimed).toBeDefined();

    const report = await stepScaleIn(world.deps);
    expect(report.requested).toEqual([claimed?.requestId]);
    expect(world.removals().map((record) => record.requestId)).toEqual([claimed?.requestId]);
    expect((await stepScaleIn(world.deps)).requested).toEqual([]);
  });

  it('ends the candidacy once the policy turns scale-in off', async () => {
    const world = setup();
    await noteResolved(resolvedAlert, world.deps);
    world.seconds(STABLE_S);
    const off = { ...world.deps, policy: policyWith('{ enabled: false }') };
    expect(await stepScaleIn(off)).toMatchObject({ requested: [], ended: 1 });
  });

  it('shows in the fleet view when the next step may act: the stable window, then the cooldown after a step', async () => {
    const world = setup();
    const viewDeps = { store: world.store, clock: world.clock, policy: POLICY };
    const before = await fleetView(PRIMARY, viewDeps);
    expect(before.policy.scaleIn).toMatchObject({ boundBy: 'now', firing: [] });
    expect(before.policy.scaleIn.candidate).toBeUndefined();

    await noteFiring(firingAlert(), world.deps);
    world.seconds(30);
    const resolvedAt = world.clock.now();
    await noteResolved(resolvedAlert, world.deps);
    const candidate = await fleetView(PRIMARY, viewDeps);
    expect(candidate.policy.scaleIn).toMatchObject({
      candidate: { since: resolvedAt.toISOString(), alertName: 'PostgresHighCPU', step: 1 },
      notBefore: new Date(resolvedAt.getTime() + STABLE_S * 1000).toISOString(),
      boundBy: 'stable',
      firing: [],
    });

    world.seconds(STABLE_S);
    const [requestId] = (await stepScaleIn(world.deps)).requested;
    world.seconds(60);
    endRemoval(world, (await world.store.get(requestId ?? '')) as RequestRecord);
    const ended = world.clock.now();
    const after = await fleetView(PRIMARY, viewDeps);
    expect(after.policy.scaleIn).toMatchObject({
      candidate: { step: 2 },
      lastScaleIn: { requestId },
      notBefore: new Date(ended.getTime() + COOLDOWN_S * 1000).toISOString(),
      boundBy: 'cooldown',
    });
  });

  it('waits out a scale-out’s cooldown and its create in flight, then takes over its served hold (validate agrees)', async () => {
    const policy = policyWith('{ enabled: true, stableForSeconds: 0, cooldownSeconds: 0 }', 0, 10);
    const world = setup(undefined, policy);
    const create = validatedRecord('RECEIVED', { requestId: 'r-00000000000000c1' });
    world.store.records.set(create.requestId, create);
    const now = world.clock.now();
    await world.store.putMarker(
      scaleOutMarkerName(PRIMARY),
      { requestId: create.requestId, at: now.toISOString() },
      { ifAbsentOrExpired: true, until: new Date(now.getTime() + MIN_SCALE_OUT_HOLD_SECONDS * 1000), now },
    );
    await noteResolved(resolvedAlert, world.deps);

    world.seconds(5); // within the scale-out's own cooldown (10 s)
    expect((await stepScaleIn(world.deps)).requested).toEqual([]);
    world.seconds(10); // past it, but its create is still RECEIVED: the hold still matters
    expect((await stepScaleIn(world.deps)).requested).toEqual([]);
    world.store.records.set(create.requestId, { ...create, state: 'PROVISIONING' }); // in flight: still
    expect((await stepScaleIn(world.deps)).requested).toEqual([]);

    world.store.records.set(create.requestId, { ...create, state: 'READY', history: [] });
    const [requestId] = (await stepScaleIn(world.deps)).requested;
    expect(requestId).toBeDefined();
    const outcome = await validateRequest(requestId ?? '', {
      ...world.deps,
      markers: world.store,
      callbackRules: { localMode: true, allowedHosts: [] },
      provisioningTimeoutMs: 3_600_000,
    });
    expect(outcome).toBe('validated');
    expect((await world.store.getMarker(scaleOutMarkerName(PRIMARY)))?.value).toMatchObject({
      requestId,
      kind: 'removal',
    });
  });

  it('notes an alert storm on one primary without losing a write (repeats within seconds are one note)', async () => {
    const world = setup();
    await noteResolved(resolvedAlert, world.deps);
    await Promise.all(Array.from({ length: 25 }, () => noteFiring(firingAlert(), world.deps)));
    const state = await world.store.getFleetState(PRIMARY);
    expect(state?.candidate).toBeUndefined();
    expect(Object.keys(state?.firing ?? {})).toEqual(['c6d2f0a9e58b3f41']);
  });

  it('does not wait for a claimed step that an alert abandoned before it was recorded', async () => {
    const world = setup();
    await noteResolved(resolvedAlert, world.deps);
    world.seconds(STABLE_S);
    const crashing = failingPuts(world.store);
    await expect(stepScaleIn({ ...world.deps, store: crashing })).rejects.toThrow('store unreachable');
    // The alert fires (ending that candidacy), then resolves again: a new candidacy.
    await noteFiring(firingAlert(), world.deps);
    world.seconds(1);
    await noteResolved(resolvedAlert, world.deps);
    world.seconds(COOLDOWN_S);
    const report = await stepScaleIn(world.deps);
    expect(report.requested).toHaveLength(1);
    expect(world.removals()).toHaveLength(1);
  });
});
