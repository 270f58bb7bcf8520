import { afterEach, describe, expect, it, vi } from 'vitest';
import { StoreError } from '#shared/adapters/store/store-error.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import { ConcurrentUpdateError, ReplicaFlowError } from '#shared/errors.ts';
import type { UpdateCommand } from '#shared/ports/request-store.ts';
import { DEAD_LETTER_LOCK } from '#shared/use-cases/mark-dead-letters.ts';
import { redriveDeadLetters } from '#shared/use-cases/redrive-dead-letters.ts';
import { FIXTURE_TIME, notification, requestRecord } from '#test/fixtures/request-records.ts';
import { fixedClock } from '#test/support/fixed-clock.ts';
import { deadLetter, HeldDeadLetters } from '#test/support/held-dead-letters.ts';
import { InMemoryStore } from '#test/support/in-memory-store.ts';
import { RecordingQueue } from '#test/support/recording-queue.ts';

const NOW = '2026-11-30T12:00:00.000Z';

const stuckOn = (queue: 'requests' | 'create' | 'notify') => ({
  queue,
  reason: 'dead-lettered',
  messageId: 'm-earlier',
  since: FIXTURE_TIME,
});

/** The in-memory store, with `beforeUpdate` run ahead of each update (a concurrent writer, a failure). */
class InterferingStore extends InMemoryStore {
  updates = 0;
  beforeUpdate: (store: InterferingStore, command: UpdateCommand) => void = () => undefined;

  override async update(command: UpdateCommand): Promise<RequestRecord> {
    this.updates += 1;
    this.beforeUpdate(this, command);
    return super.update(command);
  }

  hold(...records: RequestRecord[]): this {
    for (const record of records) this.records.set(record.requestId, record);
    return this;
  }
}

const setup = (records: RequestRecord[], letters: HeldDeadLetters) => {
  const store = new InterferingStore().hold(...records);
  const queue = new RecordingQueue();
  return { store, queue, deps: { store, queue, deadLetters: letters, clock: fixedClock(NOW) } };
};

afterEach(() => {
  vi.useRealTimers();
});

describe('redriveDeadLetters', () => {
  it("clears the stuck markers of the requests its letters name, moves the queue's letters and reports the finished move", async () => {
    // Prepare
    const stuck = requestRecord({ state: 'VALIDATED', stuck: stuckOn('create') });
    const unmarked = requestRecord({ state: 'VALIDATED' });
    const elsewhere = requestRecord({ state: 'VALIDATED', stuck: stuckOn('requests') });
    const letters = new HeldDeadLetters([
      deadLetter('create', stuck.requestId),
      deadLetter('create', stuck.requestId, { messageId: 'm-again' }),
      deadLetter('create', unmarked.requestId),
      deadLetter('create', elsewhere.requestId),
      deadLetter('create', 'r-0000000000000000'),
      deadLetter('create', undefined, { body: 'not json' }),
      deadLetter('requests', elsewhere.requestId),
    ]);
    const { store, queue, deps } = setup([stuck, unmarked, elsewhere], letters);

    // Act
    const result = await redriveDeadLetters('create', deps);

    // Assess
    expect(result).toEqual({
      queue: 'create',
      deadLetters: 6,
      notificationsReset: 0,
      markersCleared: 1,
      task: { queue: 'create', taskHandle: 'task-1' },
      move: { status: 'COMPLETED', moved: 6 },
      resent: [],
    });
    expect(store.records.get(stuck.requestId)).toMatchObject({
      state: 'VALIDATED',
      version: 2,
      updatedAt: NOW,
    });
    expect(store.records.get(stuck.requestId)?.stuck).toBeUndefined();
    expect(store.records.get(unmarked.requestId)).toEqual(unmarked);
    expect(store.records.get(elsewhere.requestId)).toEqual(elsewhere);
    expect(letters.peeks).toEqual([{ queue: 'create', max: 10_000 }]);
    expect(letters.redrives).toEqual(['create']);
    expect(queue.sent).toEqual([]);
    expect(store.locks.has(DEAD_LETTER_LOCK)).toBe(false);
  });

  it('prepares the requests it is given by id even when the queue holds no letters, and starts no move', async () => {
    // Prepare
    const stuck = requestRecord({ stuck: stuckOn('requests') });
    const letters = new HeldDeadLetters();
    const { store, deps } = setup([stuck], letters);

    // Act
    const result = await redriveDeadLetters('requests', deps, {
      requestIds: [stuck.requestId, 'r-0000000000000000'],
      max: 50,
    });

    // Assess
    expect(result).toEqual({
      queue: 'requests',
      deadLetters: 0,
      notificationsReset: 0,
      markersCleared: 1,
      resent: [],
    });
    expect(store.records.get(stuck.requestId)?.stuck).toBeUndefined();
    expect(letters.peeks).toEqual([{ queue: 'requests', max: 50 }]);
    expect(letters.redrives).toEqual([]);
    expect(letters.statusCalls).toEqual([]);
  });

  it('gives an unmarked undelivered notification a new chain and sends its message, and leaves delivered and unfinished requests alone', async () => {
    // Prepare
    const undelivered = requestRecord({
      state: 'FAILED',
      notification: notification('UNDELIVERED', { chainId: 'chain_old', firstAttemptAt: FIXTURE_TIME }),
    });
    const delivered = requestRecord({ state: 'READY', notification: notification('DELIVERED') });
    const unfinished = requestRecord({ state: 'CREATING', notification: notification('UNDELIVERED') });
    const letters = new HeldDeadLetters(
      [undelivered, delivered, unfinished].map((record) => deadLetter('notify', record.requestId)),
    );
    const { store, queue, deps } = setup([undelivered, delivered, unfinished], letters);

    // Act
    const result = await redriveDeadLetters('notify', deps);

    // Assess
    const reset = store.records.get(undelivered.requestId);
    expect(result).toMatchObject({
      notificationsReset: 1,
      markersCleared: 0,
      resent: [undelivered.requestId],
    });
    expect(reset?.notification).toMatchObject({ status: 'ENQUEUED', nextAttemptAt: NOW, redrivenAt: NOW });
    expect(reset?.notification?.chainId).not.toBe('chain_old');
    expect(reset?.notification?.firstAttemptAt).toBeUndefined();
    expect(queue.sent).toEqual([
      {
        queue: 'notify',
        body: {
          requestId: undelivered.requestId,
          type: 'replica.ready',
          webhookId: undelivered.notification?.webhookId,
          chainId: reset?.notification?.chainId,
        },
      },
    ]);
    expect(store.records.get(delivered.requestId)).toEqual(delivered);
    expect(store.records.get(unfinished.requestId)).toEqual(unfinished);
  });

  it('reads a request changed under it again and prepares what it has become: a notification delivered meanwhile stays delivered', async () => {
    // Prepare: the notification is delivered between the redrive's read and its write
    const undelivered = requestRecord({
      state: 'READY',
      notification: notification('UNDELIVERED'),
      stuck: stuckOn('notify'),
    });
    const { store, queue, deps } = setup(
      [undelivered],
      new HeldDeadLetters([deadLetter('notify', undelivered.requestId)]),
    );
    store.beforeUpdate = (self) => {
      if (self.updates > 1) return;
      const current = self.records.get(undelivered.requestId) as RequestRecord;
      self.records.set(undelivered.requestId, {
        ...current,
        version: current.version + 1,
        notification: notification('DELIVERED', { webhookId: current.notification?.webhookId ?? '' }),
      });
    };

    // Act
    const result = await redriveDeadLetters('notify', deps);

    // Assess
    const record = store.records.get(undelivered.requestId);
    expect(result).toMatchObject({ notificationsReset: 0, markersCleared: 1, resent: [] });
    expect(record?.notification?.status).toBe('DELIVERED');
    expect(record?.stuck).toBeUndefined();
    expect(record?.version).toBe(3);
    expect(queue.sent).toEqual([]);
  });

  it('fails, and lets go of the lock, when a refused update leaves the request at its version, when the request is gone, or on any other store failure', async () => {
    const cases: { what: string; interfere: (store: InterferingStore, id: string) => void }[] = [
      {
        what: 'refused at the same version',
        interfere: (_store, id) => {
          throw new ConcurrentUpdateError(id, 'refused');
        },
      },
      {
        what: 'deleted meanwhile',
        interfere: (store, id) => {
          store.records.delete(id);
        },
      },
      {
        what: 'store unavailable',
        interfere: () => {
          throw new StoreError('STORE_UNAVAILABLE', 'the table is unavailable');
        },
      },
    ];
    for (const { what, interfere } of cases) {
      // Prepare
      const stuck = requestRecord({ stuck: stuckOn('requests') });
      const letters = new HeldDeadLetters([deadLetter('requests', stuck.requestId)]);
      const { store, deps } = setup([stuck], letters);
      store.beforeUpdate = (self) => interfere(self, stuck.requestId);

      // Act
      const error = await redriveDeadLetters('requests', deps).catch((caught: unknown) => caught);

      // Assess
      expect(error, what).toBeInstanceOf(ReplicaFlowError);
      expect((error as ReplicaFlowError).code, what).toBe(
        what === 'store unavailable' ? 'STORE_UNAVAILABLE' : 'CONCURRENT_UPDATE',
      );
      expect(store.updates, what).toBe(1);
      expect(letters.redrives, what).toEqual([]);
      expect(store.locks.has(DEAD_LETTER_LOCK), what).toBe(false);
    }
  });

  it('waits for a RUNNING move to end before it lets go of the dead-letter queues', async () => {
    // Prepare
    const letters = new HeldDeadLetters([deadLetter('create', undefined)]);
    letters.statuses = [() => ({ status: 'RUNNING', moved: 0 }), () => ({ status: 'COMPLETED', moved: 1 })];
    const { store, deps } = setup([], letters);

    // Act
    const result = await redriveDeadLetters('create', deps);

    // Assess
    expect(result.move).toEqual({ status: 'COMPLETED', moved: 1 });
    expect(letters.statusCalls).toHaveLength(2);
    expect(store.locks.has(DEAD_LETTER_LOCK)).toBe(false);
  });

  it('lets go after its wait for the move runs out, reporting the move still RUNNING', async () => {
    // Prepare: each status read finds the move running, 101 s after the previous one
    vi.useFakeTimers({ toFake: ['Date'], now: new Date(NOW) });
    const letters = new HeldDeadLetters([deadLetter('notify', undefined)]);
    letters.statuses = [
      () => {
        vi.setSystemTime(Date.now() + 101_000);
        return { status: 'RUNNING', moved: 0 };
      },
    ];
    const { store, deps } = setup([], letters);

    // Act
    const result = await redriveDeadLetters('notify', deps);

    // Assess
    expect(result.move).toEqual({ status: 'RUNNING', moved: 0 });
    expect(letters.statusCalls).toHaveLength(1);
    expect(store.locks.has(DEAD_LETTER_LOCK)).toBe(false);
  });

  it('gives up with DEAD_LETTERS_BUSY, having read nothing, when the dead-letter lock stays held past its wait', async () => {
    // Prepare: a scan holds the lock; 31 s pass at each refused attempt
    vi.useFakeTimers({ toFake: ['Date'], now: new Date(NOW) });
    const letters = new HeldDeadLetters([deadLetter('requests', undefined)]);
    const { store, deps } = setup([], letters);
    store.locks.set(DEAD_LETTER_LOCK, { owner: 'scan-1', until: Date.parse(NOW) + 3_600_000 });
    const acquire = store.acquireLock.bind(store);
    let attempts = 0;
    store.acquireLock = async (...args) => {
      attempts += 1;
      const taken = await acquire(...args);
      if (!taken) vi.setSystemTime(Date.now() + 31_000);
      return taken;
    };

    // Act
    const error = await redriveDeadLetters('requests', deps).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(ReplicaFlowError);
    expect(error).toMatchObject({ code: 'DEAD_LETTERS_BUSY' });
    expect((error as Error).message).toMatch(/stayed locked for 30 s/);
    expect(attempts).toBe(1);
    expect(letters.peeks).toEqual([]);
    expect(store.locks.get(DEAD_LETTER_LOCK)?.owner).toBe('scan-1');
  });
});
