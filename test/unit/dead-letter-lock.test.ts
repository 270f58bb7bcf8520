import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import type { DeadLetter, DeadLetterQueues } from '#shared/ports/dead-letter-queues.ts';
import { DEAD_LETTER_LOCK, markDeadLetters } from '#shared/use-cases/mark-dead-letters.ts';
import { redriveDeadLetters } from '#shared/use-cases/redrive-dead-letters.ts';
import { FIXTURE_TIME, notification, requestRecord } from '#test/fixtures/request-records.ts';
import { until } from '#test/support/eventually.ts';
import { InMemoryStore } from '#test/support/in-memory-store.ts';
import { RecordingQueue } from '#test/support/recording-queue.ts';

/** The in-memory store (named locks that exclude each other until released or expired), counting lock attempts. */
class LockingStore extends InMemoryStore {
  readonly attempts: string[] = [];

  override acquireLock(name: string, owner: string, until: Date, now: Date): Promise<boolean> {
    this.attempts.push(owner);
    return super.acquireLock(name, owner, until, now);
  }
}
const lockingStore = () => new LockingStore();

/** A READY request whose webhook was given up on: UNDELIVERED, marked stuck on notify. */
const undeliveredRecord = (): RequestRecord => ({
  ...requestRecord({ createdAt: FIXTURE_TIME }),
  state: 'READY',
  notification: notification('UNDELIVERED'),
  stuck: { queue: 'notify', reason: 'not delivered', messageId: 'm-1', since: FIXTURE_TIME },
});

/** A notify dead-letter queue holding one letter, whose steps the test releases one at a time. */
const scriptedDeadLetters = (requestId: string, options: { holdFirstPeek: boolean }) => {
  let releasePeek: () => void = () => undefined;
  let releaseMove: () => void = () => undefined;
  const calls = { peek: 0, status: 0 };
  const letter: DeadLetter = { queue: 'notify', messageId: 'm-1', body: '{}', requestId, reason: 'window' };
  const deadLetters: DeadLetterQueues = {
    send: async () => undefined,
    depth: async () => 1,
    peek: async () => {
      calls.peek += 1;
      if (calls.peek === 1 && options.holdFirstPeek) {
        await new Promise<void>((resolve) => (releasePeek = resolve));
      }
      return [letter];
    },
    redrive: async (queue) => ({ queue, taskHandle: 'task-1' }),
    redriveStatus: async () => {
      calls.status += 1;
      await new Promise<void>((resolve) => (releaseMove = resolve));
      return { status: 'COMPLETED', moved: 1 };
    },
  };
  return { deadLetters, calls, releasePeek: () => releasePeek(), releaseMove: () => releaseMove() };
};

const clock = { now: () => new Date(FIXTURE_TIME) };

describe('the dead-letter lock', () => {
  it('keeps the scan off the dead-letter queues while a redrive moves their letters, so it marks nothing stuck again', async () => {
    // Prepare: a redrive that has prepared its request and waits for its move to finish
    const store = lockingStore();
    const record = undeliveredRecord();
    store.records.set(record.requestId, record);
    const script = scriptedDeadLetters(record.requestId, { holdFirstPeek: false });
    const deps = { store, queue: new RecordingQueue(), deadLetters: script.deadLetters, clock };
    const redriving = redriveDeadLetters('notify', deps);
    await until('the redrive waiting for its move task', () => script.calls.status === 1);

    // Act
    const scan = await markDeadLetters(deps);
    script.releaseMove();
    const result = await redriving;

    // Assess
    expect(scan).toMatchObject({ skipped: true, marked: 0 });
    expect(script.calls.peek).toBe(1);
    expect(result).toMatchObject({ notificationsReset: 1, markersCleared: 1, move: { status: 'COMPLETED' } });
    expect(store.records.get(record.requestId)?.stuck).toBeUndefined();
    expect(store.locks.has(DEAD_LETTER_LOCK)).toBe(false);
  });

  it('makes a redrive wait for a running scan before it reads the dead-letter queue', async () => {
    // Prepare: a scan blocked in its peek
    const store = lockingStore();
    const record = undeliveredRecord();
    store.records.set(record.requestId, record);
    const script = scriptedDeadLetters(record.requestId, { holdFirstPeek: true });
    const deps = { store, queue: new RecordingQueue(), deadLetters: script.deadLetters, clock };
    const scanning = markDeadLetters(deps);
    await until('the scan reading the dead-letter queue', () => script.calls.peek === 1);

    // Act: the redrive tries the lock while the scan holds it
    const redriving = redriveDeadLetters('notify', deps);
    await until('the redrive asking for the lock', () => store.attempts.length >= 2);
    const peeksWhileScanning = script.calls.peek;
    script.releasePeek();
    await scanning;
    const peeksOfTheScan = script.calls.peek;
    await until('the redrive waiting for its move task', () => script.calls.status === 1);
    script.releaseMove();
    const result = await redriving;

    // Assess
    expect(peeksWhileScanning).toBe(1);
    expect(script.calls.peek).toBe(peeksOfTheScan + 1);
    expect(result).toMatchObject({ deadLetters: 1, notificationsReset: 1, move: { status: 'COMPLETED' } });
  });
});
