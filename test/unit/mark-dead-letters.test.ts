import { describe, expect, it } from 'vitest';
import { StoreError } from '#shared/adapters/store/store-error.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import type { UpdateCommand } from '#shared/ports/request-store.ts';
import { DEAD_LETTER_LOCK, markDeadLetters } from '#shared/use-cases/mark-dead-letters.ts';
import { FIXTURE_TIME, notification, requestRecord } from '#test/fixtures/request-records.ts';
import { fixedClock } from '#test/support/fixed-clock.ts';
import { deadLetter, HeldDeadLetters } from '#test/support/held-dead-letters.ts';
import { InMemoryStore } from '#test/support/in-memory-store.ts';

const NOW = '2026-11-29T11:00:00.000Z';

const storeHolding = (...records: RequestRecord[]) => {
  const store = new InMemoryStore();
  for (const record of records) store.records.set(record.requestId, record);
  return store;
};

const terminal = (status: 'DELIVERED' | 'UNDELIVERED' | 'ENQUEUED'): RequestRecord =>
  requestRecord({ state: 'READY', notification: notification(status) });

const stuckOn = (queue: 'requests' | 'create' | 'notify') => ({
  queue,
  reason: 'earlier scan',
  messageId: 'm-earlier',
  since: FIXTURE_TIME,
});

describe('markDeadLetters', () => {
  it('marks each request stuck on the queue it still waits on: RECEIVED on requests, VALIDATED on create, an undelivered notification on notify', async () => {
    // Prepare
    const received = requestRecord();
    const validated = requestRecord({ state: 'VALIDATED' });
    const undelivered = terminal('UNDELIVERED');
    const store = storeHolding(received, validated, undelivered);
    const deadLetters = new HeldDeadLetters([
      deadLetter('requests', received.requestId, { reason: 'malformed body', messageId: 'm-1' }),
      deadLetter('create', validated.requestId, { messageId: 'm-2' }),
      deadLetter('notify', undelivered.requestId, { messageId: 'm-3' }),
    ]);

    // Act
    const scan = await markDeadLetters({ store, deadLetters, clock: fixedClock(NOW) });

    // Assess
    expect(scan).toEqual({
      skipped: false,
      seen: { requests: 1, create: 1, notify: 1 },
      marked: 3,
      cleared: 0,
      unattributed: 0,
    });
    expect(store.records.get(received.requestId)).toMatchObject({
      state: 'RECEIVED',
      version: 2,
      stuck: { queue: 'requests', reason: 'malformed body', messageId: 'm-1', since: NOW },
    });
    expect(store.records.get(validated.requestId)?.stuck).toMatchObject({
      queue: 'create',
      messageId: 'm-2',
    });
    expect(store.records.get(undelivered.requestId)).toMatchObject({
      state: 'READY',
      stuck: { queue: 'notify', messageId: 'm-3' },
    });
    expect(deadLetters.peeks).toEqual([
      { queue: 'requests', max: 100 },
      { queue: 'create', max: 100 },
      { queue: 'notify', max: 100 },
    ]);
    expect(store.locks.has(DEAD_LETTER_LOCK)).toBe(false);
  });

  it('leaves unmarked a request that has moved on since its message was dead-lettered', async () => {
    // Prepare
    const validated = requestRecord({ state: 'VALIDATED' });
    const creating = requestRecord({ state: 'CREATING' });
    const delivered = terminal('DELIVERED');
    const untold = requestRecord({ state: 'FAILED' });
    const running = requestRecord({ state: 'VALIDATED', notification: notification('UNDELIVERED') });
    const records = [validated, creating, delivered, untold, running];
    const store = storeHolding(...records);
    const deadLetters = new HeldDeadLetters([
      deadLetter('requests', validated.requestId),
      deadLetter('create', creating.requestId),
      deadLetter('notify', delivered.requestId),
      deadLetter('notify', untold.requestId),
      deadLetter('notify', running.requestId),
    ]);

    // Act
    const scan = await markDeadLetters({ store, deadLetters, clock: fixedClock(NOW) });

    // Assess
    expect(scan).toMatchObject({ marked: 0, cleared: 0, unattributed: 0, seen: { notify: 3 } });
    for (const record of records) expect(store.records.get(record.requestId)).toEqual(record);
  });

  it('marks a request once however many of its letters a queue holds, and leaves its marker alone on the next scan', async () => {
    // Prepare
    const received = requestRecord();
    const store = storeHolding(received);
    const deadLetters = new HeldDeadLetters([
      deadLetter('requests', received.requestId, { messageId: 'm-first' }),
      deadLetter('requests', received.requestId, { messageId: 'm-second' }),
    ]);
    const clock = fixedClock(NOW);

    // Act
    const first = await markDeadLetters({ store, deadLetters, clock });
    clock.advance(60_000);
    const second = await markDeadLetters({ store, deadLetters, clock });

    // Assess
    expect(first).toMatchObject({ marked: 1, seen: { requests: 2 } });
    expect(second).toMatchObject({ marked: 0, cleared: 0, seen: { requests: 2 } });
    expect(store.records.get(received.requestId)).toMatchObject({
      version: 2,
      stuck: { queue: 'requests', messageId: 'm-first', since: NOW },
    });
  });

  it('moves the marker to the queue the request waits on now', async () => {
    // Prepare: stuck on requests once, validated since, its create message now dead-lettered
    const validated = requestRecord({ state: 'VALIDATED', stuck: stuckOn('requests') });
    const store = storeHolding(validated);
    const deadLetters = new HeldDeadLetters([deadLetter('create', validated.requestId)]);

    // Act
    const scan = await markDeadLetters({ store, deadLetters, clock: fixedClock(NOW) });

    // Assess
    expect(scan).toMatchObject({ marked: 1, cleared: 0 });
    expect(store.records.get(validated.requestId)?.stuck).toMatchObject({ queue: 'create', since: NOW });
  });

  it('removes the marker of a queue the request no longer waits on, while its letter is still there', async () => {
    // Prepare: marked stuck on requests, then validated by a redelivery
    const validated = requestRecord({ state: 'VALIDATED', stuck: stuckOn('requests') });
    const delivered = { ...terminal('DELIVERED'), stuck: stuckOn('notify') };
    const store = storeHolding(validated, delivered);
    const deadLetters = new HeldDeadLetters([
      deadLetter('requests', validated.requestId),
      deadLetter('notify', delivered.requestId),
    ]);

    // Act
    const scan = await markDeadLetters({ store, deadLetters, clock: fixedClock(NOW) });

    // Assess
    expect(scan).toMatchObject({ marked: 0, cleared: 2 });
    expect(store.records.get(validated.requestId)).toMatchObject({ state: 'VALIDATED', version: 2 });
    expect(store.records.get(validated.requestId)?.stuck).toBeUndefined();
    expect(store.records.get(delivered.requestId)?.stuck).toBeUndefined();
  });

  it('counts as unattributed the letters that name no request or a request that does not exist', async () => {
    // Prepare
    const store = storeHolding();
    const deadLetters = new HeldDeadLetters([
      deadLetter('requests', undefined, { body: 'not json' }),
      deadLetter('create', 'r-0000000000000000'),
      deadLetter('notify', undefined),
    ]);

    // Act
    const scan = await markDeadLetters({ store, deadLetters, clock: fixedClock(NOW) });

    // Assess
    expect(scan).toEqual({
      skipped: false,
      seen: { requests: 1, create: 1, notify: 1 },
      marked: 0,
      cleared: 0,
      unattributed: 3,
    });
  });

  it('leaves a request that changed under the scan to the next scan, which marks it', async () => {
    // Prepare: another writer changes the record between the scan's read and its write, once
    const received = requestRecord();
    const store = new (class extends InMemoryStore {
      raced = false;
      override async update(command: UpdateCommand): Promise<RequestRecord> {
        const current = this.records.get(command.requestId);
        if (!this.raced && current) {
          this.raced = true;
          this.records.set(current.requestId, { ...current, version: current.version + 1 });
        }
        return super.update(command);
      }
    })();
    store.records.set(received.requestId, received);
    const deadLetters = new HeldDeadLetters([deadLetter('requests', received.requestId)]);
    const clock = fixedClock(NOW);

    // Act
    const first = await markDeadLetters({ store, deadLetters, clock });
    const afterFirst = store.records.get(received.requestId);
    const second = await markDeadLetters({ store, deadLetters, clock });

    // Assess
    expect(first).toMatchObject({ marked: 0, cleared: 0, unattributed: 0 });
    expect(afterFirst?.stuck).toBeUndefined();
    expect(second).toMatchObject({ marked: 1 });
    expect(store.records.get(received.requestId)?.stuck).toMatchObject({ queue: 'requests' });
  });

  it('fails on any other store failure, and lets go of the dead-letter lock', async () => {
    // Prepare
    const received = requestRecord();
    const failure = new StoreError('STORE_UNAVAILABLE', 'the table is unavailable');
    const store = new (class extends InMemoryStore {
      override async update(): Promise<RequestRecord> {
        throw failure;
      }
    })();
    store.records.set(received.requestId, received);
    const deadLetters = new HeldDeadLetters([deadLetter('requests', received.requestId)]);

    // Act
    const scanning = markDeadLetters({ store, deadLetters, clock: fixedClock(NOW) });

    // Assess
    await expect(scanning).rejects.toBe(failure);
    expect(store.locks.has(DEAD_LETTER_LOCK)).toBe(false);
  });

  it('reads at most maxPerQueue letters of each queue', async () => {
    // Prepare
    const records = [requestRecord(), requestRecord(), requestRecord()];
    const store = storeHolding(...records);
    const deadLetters = new HeldDeadLetters(
      records.map((record) => deadLetter('requests', record.requestId)),
    );

    // Act
    const scan = await markDeadLetters({ store, deadLetters, clock: fixedClock(NOW), maxPerQueue: 2 });

    // Assess
    expect(scan).toMatchObject({ marked: 2, seen: { requests: 2 } });
    expect(deadLetters.peeks.map((peek) => peek.max)).toEqual([2, 2, 2]);
    expect(store.records.get(records[2]?.requestId ?? '')?.stuck).toBeUndefined();
  });
});
