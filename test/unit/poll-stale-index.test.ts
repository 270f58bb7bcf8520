import { describe, expect, it } from 'vitest';
import { requestIdFor } from '#shared/domain/idempotency.ts';
import type { Notification, RequestRecord } from '#shared/domain/request-record.ts';
import type { InFlightPage } from '#shared/ports/request-store.ts';
import { pendingNotification } from '#shared/use-cases/notification-outbox.ts';
import { pollInFlight } from '#shared/use-cases/poll-in-flight.ts';
import { FIXTURE_TIME, notification, requestRecord } from '#test/fixtures/request-records.ts';
import { InMemoryStore } from '#test/support/in-memory-store.ts';
import { RecordingQueue } from '#test/support/recording-queue.ts';
import { ScriptedTencent } from '#test/support/scripted-tencent.ts';

/** A store whose in-flight index holds copies the test chooses (a lagging GSI, or one a crash left behind). */
class StaleIndexStore extends InMemoryStore {
  readonly indexCopies = new Map<string, RequestRecord>();

  override async listInFlight(): Promise<InFlightPage> {
    const records = [...this.indexCopies.values()];
    return { records, itemsRead: records.length };
  }
}

const INSTANCE_ID = 'pgro-7kq2m9xa';
const NOW = '2026-11-29T10:10:00.000Z';

/** Tencent answers that the replica is running; every call is recorded. */
const runningReplica = () =>
  new ScriptedTencent().otherwise('describeDBInstances', {
    ok: { TotalCount: 1, DBInstanceSet: [{ DBInstanceId: INSTANCE_ID, DBInstanceStatus: 'running' }] },
  });

const submitted = (): RequestRecord => {
  const base = requestRecord({ createdAt: FIXTURE_TIME });
  return {
    ...base,
    requestId: requestIdFor('api:test', base.idempotencyKey),
    state: 'SUBMITTED',
    version: 4,
    request: { ...base.request, callback: { url: 'https://hooks.example.com/replicas' } },
    requester: { source: 'api', identity: 'test' },
    creation: {
      attempt: 1,
      startedAt: FIXTURE_TIME,
      instanceName: `rf-${requestIdFor('api:test', base.idempotencyKey)}`,
      dealNames: ['20261129-deal'],
      instanceIds: [INSTANCE_ID],
      submittedAt: FIXTURE_TIME,
      source: 'create-response',
    },
    deadline: '2026-11-29T11:00:00.000Z',
  };
};

const setUp = () => {
  const store = new StaleIndexStore();
  const queue = new RecordingQueue();
  const tencent = runningReplica();
  const poll = () =>
    pollInFlight({
      store,
      queue,
      tencent,
      clock: { now: () => new Date(NOW) },
      visibilityGraceMs: 2000,
      requeueAfterMs: 60_000,
      lockMs: 10_000,
    });
  return { store, queue, tencent, poll };
};

describe('pollInFlight reads the item behind each index entry', () => {
  it('acts on a SUBMITTED item whose index copy says READY with a PENDING notification: finishes it, one chain, no message from the copy', async () => {
    const { store, queue, poll } = setUp();
    const item = submitted();
    store.records.set(item.requestId, item);
    // The index entry is a version ahead of the item (dynalite after a kill -9): READY, its webhook PENDING.
    const copy: RequestRecord = {
      ...item,
      state: 'READY',
      version: 5,
      notification: pendingNotification('replica.ready'),
    };
    store.indexCopies.set(item.requestId, copy);

    const report = await poll();
    const after = store.records.get(item.requestId);
    const sent = queue.sent.filter((message) => message.queue === 'notify');

    expect(after?.state).toBe('READY');
    expect(after?.notification).toMatchObject({ status: 'ENQUEUED', chainId: expect.any(String) });
    expect(sent).toEqual([
      {
        queue: 'notify',
        body: {
          requestId: item.requestId,
          type: 'replica.ready',
          webhookId: after?.notification?.webhookId,
          chainId: after?.notification?.chainId,
        },
      },
    ]);
    expect(sent.map((message) => (message.body as { webhookId: string }).webhookId)).not.toContain(
      copy.notification?.webhookId,
    );
    expect(report.staleIndexCopies).toBe(1);
  });

  it('leaves alone a record whose index copy is in flight but whose item has no work left', async () => {
    const { store, queue, tencent, poll } = setUp();
    const item: RequestRecord = {
      ...submitted(),
      state: 'READY',
      version: 9,
      notification: notification('DELIVERED'),
    };
    store.records.set(item.requestId, item);
    store.indexCopies.set(item.requestId, { ...item, state: 'PROVISIONING', version: 6 });
    store.indexCopies.set('r-0000000000000000', { ...item, requestId: 'r-0000000000000000', version: 1 });

    const report = await poll();

    expect(report.inFlight).toBe(0);
    expect(report.itemsReread).toBe(2);
    expect(tencent.calls).toEqual([]);
    expect(queue.sent).toEqual([]);
    expect(store.records.get(item.requestId)).toEqual(item);
  });

  it('does not start a second chain for an index copy still PENDING when the item already has its chain live', async () => {
    const { store, queue, poll } = setUp();
    const item: RequestRecord = {
      ...submitted(),
      state: 'READY',
      version: 7,
      notification: {
        ...notification('ENQUEUED'),
        chainId: 'chain_live',
        nextAttemptAt: NOW,
        attemptCount: 3,
      },
    };
    store.records.set(item.requestId, item);
    store.indexCopies.set(item.requestId, {
      ...item,
      version: 5,
      notification: { ...(item.notification as Notification), status: 'PENDING' },
    });

    await poll();

    expect(queue.sent).toEqual([]);
    expect(store.records.get(item.requestId)).toEqual(item);
  });
});
