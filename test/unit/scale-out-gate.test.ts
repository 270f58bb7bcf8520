import { describe, expect, it } from 'vitest';
import type { AlertSource } from '#shared/domain/alert-sources.ts';
import { requestIdOf } from '#shared/domain/idempotency-scope.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import type { RequestState } from '#shared/domain/request-state.ts';
import { MIN_SCALE_OUT_HOLD_SECONDS, scaleOutMarkerName } from '#shared/domain/scale-out-marker.ts';
import { alertToRequest } from '#shared/ingress/alerts/alert-to-request.ts';
import {
  checkScaleOut,
  gateScaleOut,
  type ScaleOutGateDependencies,
} from '#shared/use-cases/scale-out-gate.ts';
import { requestRecord } from '#test/fixtures/request-records.ts';
import { alertsPolicy, fakeTencent, testClock } from '#test/support/alert-harness.ts';
import { InMemoryStore } from '#test/support/in-memory-store.ts';
import { RecordingQueue } from '#test/support/recording-queue.ts';

let sequence = 0;

/** A RECEIVED record of a firing alert for `primaryId`, as ingest stores it. */
const alertRecord = (
  primaryId: string,
  options: { source?: AlertSource; state?: RequestState } = {},
): RequestRecord => {
  sequence += 1;
  const request = alertToRequest(
    {
      source: options.source ?? 'alertmanager',
      alertName: 'PostgresHighCPU',
      primaryId,
      dedupe: [`fingerprint-${sequence}`, '2026-11-29T11:17:30Z'],
      key: `fingerprint-${sequence}`,
      context: {},
    },
    { policy: alertsPolicy() },
  );
  return requestRecord({
    requestId: requestIdOf(request),
    idempotencyKey: request.idempotencyKey,
    request,
    requester: request.requester,
    state: options.state ?? 'RECEIVED',
  });
};

const setUp = (replicas: Record<string, number> = { 'postgres-abcdef': 0, 'postgres-bjorder1': 0 }) => {
  const store = new InMemoryStore();
  const queue = new RecordingQueue();
  const clock = testClock();
  const tencent = fakeTencent(replicas);
  const deps: ScaleOutGateDependencies = {
    store,
    markers: store,
    queue,
    tencent,
    clock,
    policy: alertsPolicy(),
  };
  const put = async (record: RequestRecord) => {
    await store.putNew(record);
    return record;
  };
  return { store, queue, clock, tencent, deps, put };
};

describe('scale-out gate', () => {
  it('suppresses an alert while a removal of the primary is in flight (one fleet change at a time)', async () => {
    const { deps, put, store } = setUp();
    await put(
      requestRecord({
        kind: 'removal',
        state: 'DRAINING',
        request: {
          MasterDBInstanceId: 'postgres-abcdef',
          idempotencyKey: 'rm-1',
          requester: { source: 'api', identity: 'ops' },
        },
        removal: { trigger: { kind: 'api', role: 'submitter' } },
      }),
    );
    const record = await put(alertRecord('postgres-abcdef'));

    expect(await gateScaleOut(record, deps)).toBe('suppressed');
    expect((await store.get(record.requestId))?.violations).toEqual([
      expect.objectContaining({ rule: 'scaleOut.removalInFlight' }),
    ]);
  });

  it('lets the first alert for a primary through and holds the primary for the cooldown', async () => {
    const { deps, put, store, clock } = setUp();
    const record = await put(alertRecord('postgres-abcdef'));

    expect(await gateScaleOut(record, deps)).toBeUndefined();
    const marker = await store.getMarker(scaleOutMarkerName('postgres-abcdef'));
    expect(marker?.value).toEqual({ requestId: record.requestId, at: clock.now().toISOString() });
    expect(marker?.until.toISOString()).toBe(new Date(clock.now().getTime() + 600_000).toISOString());
    expect((await store.get(record.requestId))?.state).toBe('RECEIVED');
  });

  it('suppresses another alert for the primary inside the cooldown, with the reason and when it ends', async () => {
    const { deps, put, store, queue } = setUp();
    const first = await put(alertRecord('postgres-abcdef'));
    const second = await put(alertRecord('postgres-abcdef', { source: 'grafana' }));
    await gateScaleOut(first, deps);

    expect(await gateScaleOut(second, deps)).toBe('suppressed');
    const suppressed = await store.get(second.requestId);
    expect(suppressed?.state).toBe('SUPPRESSED');
    expect(suppressed?.violations).toEqual([
      {
        rule: 'scaleOut.cooldown',
        field: 'MasterDBInstanceId',
        message: `Primary postgres-abcdef scaled out at 2026-11-29T11:20:00.000Z (request ${first.requestId}); cooldown until 2026-11-29T11:30:00.000Z`,
      },
    ]);
    expect(suppressed?.notification).toMatchObject({ type: 'replica.suppressed', status: 'ENQUEUED' });
    expect(suppressed?.history.at(-1)).toMatchObject({
      state: 'SUPPRESSED',
      note: expect.stringContaining('cooldown'),
    });
    expect(queue.sent).toEqual([
      {
        queue: 'notify',
        body: {
          requestId: second.requestId,
          type: 'replica.suppressed',
          webhookId: suppressed?.notification?.webhookId,
          chainId: suppressed?.notification?.chainId,
        },
      },
    ]);
  });

  it('lets the winner through again on redelivery, and the next alert once the cooldown is over', async () => {
    const { deps, put, clock } = setUp();
    const first = await put(alertRecord('postgres-abcdef'));
    await gateScaleOut(first, deps);
    expect(await checkScaleOut(first, deps)).toMatchObject({
      pass: true,
      reason: 'already holds the scale-out marker',
    });
    clock.advance(600_001);
    const later = await put(alertRecord('postgres-abcdef'));
    expect(await checkScaleOut(later, deps)).toMatchObject({ pass: true });
  });

  it('does not read Tencent for an alert that the cooldown already suppresses', async () => {
    const { deps, put, tencent } = setUp();
    await gateScaleOut(await put(alertRecord('postgres-abcdef')), deps);
    const calls = tencent.calls;
    for (let index = 0; index < 5; index++)
      await gateScaleOut(await put(alertRecord('postgres-abcdef')), deps);
    expect(tencent.calls).toBe(calls);
  });

  it('suppresses past maxReplicas, counting Tencent’s replicas and our requests in flight', async () => {
    const { deps, put, store } = setUp({ 'postgres-abcdef': 2 });
    await put(alertRecord('postgres-abcdef', { state: 'CREATING' }));
    await put(alertRecord('postgres-bjorder1', { state: 'CREATING' }));
    await put(alertRecord('postgres-abcdef', { state: 'PROVISIONING' }));
    const record = await put(alertRecord('postgres-abcdef'));

    expect(await gateScaleOut(record, deps)).toBe('suppressed');
    expect((await store.get(record.requestId))?.violations).toEqual([
      {
        rule: 'scaleOut.maxReplicas',
        field: 'MasterDBInstanceId',
        message:
          'Primary postgres-abcdef has 3 replica(s) (2 listed by Tencent, 1 in flight); scale-out stops at 3',
      },
    ]);
    expect(await store.getMarker(scaleOutMarkerName('postgres-abcdef'))).toBeUndefined();
  });

  it('suppresses a primary whose entry has no scaleOut, or none at all', async () => {
    const { deps, put, store } = setUp({ 'postgres-sgsearch': 0 });
    const globbed = await put(alertRecord('postgres-zz001122'));
    expect(await gateScaleOut(globbed, deps)).toBe('suppressed');
    expect((await store.get(globbed.requestId))?.violations?.[0]).toMatchObject({
      rule: 'scaleOut.disabled',
      message: 'Scale-out disabled for primary postgres-zz001122 (its policy entry has no scaleOut)',
    });
    const disabled = {
      ...deps,
      policy: {
        ...deps.policy,
        primaries: {
          'postgres-sgsearch': { scaleOut: { enabled: false, maxReplicas: 1, cooldownSeconds: 0 } },
        },
      },
    };
    const off = await put(alertRecord('postgres-sgsearch'));
    expect(await checkScaleOut(off, disabled)).toMatchObject({
      pass: false,
      violation: { message: 'Scale-out disabled for primary postgres-sgsearch (scaleOut.enabled is false)' },
    });
    const nowhere = { ...deps, policy: { ...deps.policy, primaries: {} } };
    expect(await checkScaleOut(off, nowhere)).toMatchObject({
      pass: false,
      violation: { message: 'Scale-out disabled for primary postgres-sgsearch (no policy entry allows it)' },
    });
  });

  it('holds the marker at least a minute even with cooldownSeconds 0', async () => {
    const { deps, put, store, clock } = setUp();
    const policy = structuredClone(deps.policy);
    const entry = policy.primaries['postgres-abcdef'];
    if (entry?.scaleOut) entry.scaleOut.cooldownSeconds = 0;
    const record = await put(alertRecord('postgres-abcdef'));
    await gateScaleOut(record, { ...deps, policy });
    const marker = await store.getMarker(scaleOutMarkerName('postgres-abcdef'));
    expect(marker?.until.getTime()).toBe(clock.now().getTime() + MIN_SCALE_OUT_HOLD_SECONDS * 1000);
  });

  it('takes no cooldown for a request nothing can be created from, or for an unknown primary', async () => {
    const { deps, put, store } = setUp({});
    const invalid = alertRecord('postgres-abcdef');
    const badPlan = await put({ ...invalid, request: { ...invalid.request, Storage: 5000 } });
    expect(await gateScaleOut(badPlan, deps)).toBeUndefined();
    const unknown = await put(alertRecord('postgres-abcdef'));
    expect(await checkScaleOut(unknown, deps)).toMatchObject({
      pass: true,
      reason: expect.stringContaining('unknown to Tencent'),
    });
    expect(await store.getMarker(scaleOutMarkerName('postgres-abcdef'))).toBeUndefined();
  });

  it('leaves requests from other sources alone', async () => {
    const { deps, put, store } = setUp();
    const api = await put(requestRecord());
    expect(await gateScaleOut(api, deps)).toBeUndefined();
    expect(store.markers.size).toBe(0);
  });

  it('lets exactly one of many concurrent alerts through', async () => {
    const { deps, put, store } = setUp();
    const records = await Promise.all(Array.from({ length: 10 }, () => put(alertRecord('postgres-abcdef'))));
    const outcomes = await Promise.all(records.map((record) => gateScaleOut(record, deps)));
    expect(outcomes.filter((outcome) => outcome === undefined)).toHaveLength(1);
    const states = await Promise.all(
      records.map(async (record) => (await store.get(record.requestId))?.state),
    );
    expect(states.filter((state) => state === 'SUPPRESSED')).toHaveLength(9);
  });
});
