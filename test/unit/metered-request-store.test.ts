import { describe, expect, it } from 'vitest';
import { meteredRequestStore } from '#shared/adapters/metrics/metered-request-store.ts';
import type { RequestState } from '#shared/domain/request-state.ts';
import { ConcurrentUpdateError } from '#shared/errors.ts';
import { submitRequest } from '#shared/use-cases/submit-request.ts';
import { FIXTURE_TIME, requestRecord, storedRequest } from '#test/fixtures/request-records.ts';
import { InMemoryStore } from '#test/support/in-memory-store.ts';
import { recordingMetrics } from '#test/support/recording-metrics.ts';
import { RecordingQueue } from '#test/support/recording-queue.ts';
import { ownerOf } from '#test/support/transition-owner.ts';

const setup = () => {
  const inner = new InMemoryStore();
  const recording = recordingMetrics();
  return { inner, store: meteredRequestStore(inner, recording.metrics), ...recording };
};

describe('meteredRequestStore', () => {
  it('counts a request received once per idempotency key, by source, not for a replay', async () => {
    const { store, total } = setup();
    const request = storedRequest('key-received-once');
    const clock = { now: () => new Date(FIXTURE_TIME) };

    await submitRequest(request, { store, queue: new RecordingQueue(), clock });
    await submitRequest(request, { store, queue: new RecordingQueue(), clock });

    expect(total('RequestsReceived', { source: 'slack' })).toBe(1);
    expect(total('RequestOutcome')).toBe(0);
  });

  const endings: readonly (readonly [from: RequestState, to: RequestState])[] = [
    ['SUBMITTED', 'READY'],
    ['CREATING', 'FAILED'],
    ['RECEIVED', 'REJECTED'],
    ['PROVISIONING', 'TIMED_OUT'],
    ['RECEIVED', 'SUPPRESSED'],
    ['RECEIVED', 'DRY_RUN'],
  ];
  for (const [from, to] of endings) {
    it(`records the outcome ${to} with the request's source when a request moves ${from} → ${to}`, async () => {
      const { inner, store, recorded } = setup();
      const record = requestRecord({ state: from, requester: { source: 'jira', identity: 'acct-1' } });
      inner.records.set(record.requestId, record);

      await store.transition({
        requestId: record.requestId,
        expectedVersion: 1,
        from,
        to,
        actor: ownerOf(from, to),
        at: FIXTURE_TIME,
      });

      expect(recorded.filter((entry) => entry.name === 'RequestOutcome')).toEqual([
        { name: 'RequestOutcome', dimensions: { source: 'jira', outcome: to }, value: 1 },
      ]);
    });
  }

  it('records the time from received to READY in milliseconds', async () => {
    const { inner, store, recorded } = setup();
    const record = requestRecord({ state: 'PROVISIONING', createdAt: FIXTURE_TIME });
    inner.records.set(record.requestId, record);
    const readyAt = new Date(Date.parse(FIXTURE_TIME) + 7 * 60_000).toISOString();

    await store.transition({
      requestId: record.requestId,
      expectedVersion: 1,
      from: 'PROVISIONING',
      to: 'READY',
      actor: 'poll',
      at: readyAt,
    });

    expect(recorded.filter((entry) => entry.name === 'TimeToReady')).toEqual([
      { name: 'TimeToReady', dimensions: {}, value: 7 * 60_000 },
    ]);
  });

  it('records nothing for a change that ends nothing, nor for a write that lost its race', async () => {
    const { inner, store, recorded } = setup();
    const record = requestRecord({ state: 'SUBMITTED' });
    inner.records.set(record.requestId, record);

    await store.transition({
      requestId: record.requestId,
      expectedVersion: 1,
      from: 'SUBMITTED',
      to: 'PROVISIONING',
      actor: 'poll',
      at: FIXTURE_TIME,
    });
    await expect(
      store.transition({
        requestId: record.requestId,
        expectedVersion: 1,
        from: 'PROVISIONING',
        to: 'READY',
        actor: 'poll',
        at: FIXTURE_TIME,
      }),
    ).rejects.toBeInstanceOf(ConcurrentUpdateError);

    expect(recorded).toEqual([]);
  });

  it('records the outcome of a request created already ended (an alert suppressed at intake)', async () => {
    const { store, total } = setup();
    const record = requestRecord({
      state: 'SUPPRESSED',
      requester: { source: 'alertmanager', identity: 'am' },
    });

    await store.putNew(record);

    expect(total('RequestsReceived', { source: 'alertmanager' })).toBe(1);
    expect(total('RequestOutcome', { source: 'alertmanager', outcome: 'SUPPRESSED' })).toBe(1);
  });

  it('passes every other method through to the store it wraps', async () => {
    const { inner, store } = setup();
    const record = requestRecord();
    inner.records.set(record.requestId, record);

    expect(await store.get(record.requestId)).toEqual(record);
    expect(store.records).toBe(inner.records);
  });
});
