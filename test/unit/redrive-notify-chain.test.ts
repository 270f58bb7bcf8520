import { describe, expect, it } from 'vitest';
import { requestIdFor } from '#shared/domain/idempotency.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import type { DeadLetter, DeadLetterQueues } from '#shared/ports/dead-letter-queues.ts';
import type { WebhookSender } from '#shared/ports/webhook-sender.ts';
import type { NotifyMessage } from '#shared/use-cases/queue-messages.ts';
import { redriveDeadLetters } from '#shared/use-cases/redrive-dead-letters.ts';
import { sendNotification } from '#shared/use-cases/send-notification.ts';
import { FIXTURE_TIME, notification, requestRecord } from '#test/fixtures/request-records.ts';
import { InMemoryStore } from '#test/support/in-memory-store.ts';
import { RecordingQueue } from '#test/support/recording-queue.ts';

const NOW = '2026-11-30T12:00:00.000Z';

/** Dead-letter queues holding `letters` for notify; a redrive answers a task and moves nothing here. */
const deadLettersHolding = (letters: readonly DeadLetter[]): DeadLetterQueues => ({
  send: async () => undefined,
  peek: async (queue) => letters.filter((letter) => letter.queue === queue),
  depth: async (queue) => letters.filter((letter) => letter.queue === queue).length,
  redrive: async (queue) => ({ queue, taskHandle: 'task-1' }),
  redriveStatus: async () => ({ status: 'COMPLETED', moved: letters.length }),
});

const undelivered = (): RequestRecord => {
  const base = requestRecord({ createdAt: FIXTURE_TIME });
  return {
    ...base,
    requestId: requestIdFor('api:test', base.idempotencyKey),
    state: 'READY',
    version: 12,
    request: { ...base.request, callback: { url: 'https://hooks.example.com/replicas' } },
    requester: { source: 'api', identity: 'test' },
    notification: {
      ...notification('UNDELIVERED'),
      chainId: 'chain_old',
      firstAttemptAt: FIXTURE_TIME,
      attemptCount: 40,
    },
    stuck: { queue: 'notify', reason: 'retry window', messageId: 'm-1', since: FIXTURE_TIME },
  };
};

describe('redriveDeadLetters for notify', () => {
  it('gives the notification one new retry chain however many dead letters name it, and only that chain delivers', async () => {
    const store = new InMemoryStore();
    const queue = new RecordingQueue();
    const record = undelivered();
    store.records.set(record.requestId, record);
    const oldMessage = (chainId?: string): NotifyMessage => ({
      requestId: record.requestId,
      type: 'replica.ready',
      webhookId: record.notification?.webhookId ?? '',
      ...(chainId ? { chainId } : {}),
    });
    const letters: DeadLetter[] = [oldMessage('chain_old'), oldMessage('chain_older'), oldMessage()].map(
      (body, index) => ({
        queue: 'notify',
        messageId: `m-${index}`,
        body: JSON.stringify(body),
        requestId: record.requestId,
        reason: 'not delivered within the 1440 min retry window',
      }),
    );

    const result = await redriveDeadLetters('notify', {
      store,
      queue,
      deadLetters: deadLettersHolding(letters),
      clock: { now: () => new Date(NOW) },
    });
    const reset = store.records.get(record.requestId);

    expect(result).toMatchObject({ notificationsReset: 1, markersCleared: 1, resent: [record.requestId] });
    expect(reset?.stuck).toBeUndefined();
    expect(reset?.notification).toMatchObject({ status: 'ENQUEUED', nextAttemptAt: NOW, redrivenAt: NOW });
    expect(reset?.notification?.firstAttemptAt).toBeUndefined();
    expect(reset?.notification?.chainId).not.toBe('chain_old');
    expect(queue.sent).toEqual([
      { queue: 'notify', body: { ...oldMessage(), chainId: reset?.notification?.chainId } },
    ]);

    // The moved dead letters come back too: they belong to old chains and are dropped; the new one delivers.
    const posted: string[] = [];
    const receiver: WebhookSender = {
      send: async (message) => {
        posted.push(message.id);
        return { ok: true, status: 204, durationMs: 1 };
      },
    };
    const deps = {
      store,
      webhooks: receiver,
      clock: { now: () => new Date(NOW) },
      callbackRules: { localMode: false, allowedHosts: ['hooks.example.com'] },
      retryWindowMs: 3_600_000,
    };
    const moved = await Promise.all(
      letters.map((letter) => sendNotification(JSON.parse(letter.body) as NotifyMessage, deps)),
    );
    const fresh = await sendNotification(queue.sent[0]?.body as NotifyMessage, deps);

    expect(moved.map((outcome) => outcome.outcome)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(fresh.outcome).toBe('delivered');
    expect(posted).toEqual([record.notification?.webhookId]);
    expect(store.records.get(record.requestId)?.notification?.status).toBe('DELIVERED');
  });
});
