import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import type { WebhookMessage, WebhookSender } from '#shared/ports/webhook-sender.ts';
import { sendNotification } from '#shared/use-cases/send-notification.ts';
import { notification } from '#test/fixtures/request-records.ts';
import { awaitingRecord } from '#test/support/approval-harness.ts';
import { minutesFromStart } from '#test/support/core-harness.ts';
import { fixedClock } from '#test/support/fixed-clock.ts';
import { InMemoryStore } from '#test/support/in-memory-store.ts';

describe('an approval announcement superseded while it is being delivered', () => {
  it("never counts the old announcement's delivery for the notification that replaced it", async () => {
    const store = new InMemoryStore();
    const base = awaitingRecord();
    const approved = notification('ENQUEUED', {
      type: 'replica.approved',
      chainId: 'chain_approved',
      nextAttemptAt: minutesFromStart(0),
    });
    const record: RequestRecord = {
      ...base,
      request: { ...base.request, callback: { url: 'https://hooks.example.com/replicas' } },
      notification: approved,
    };
    await store.putNew(record);
    const ready = notification('PENDING', { type: 'replica.ready' });
    // While the approved webhook is on the wire, the request moves on and writes its own notification.
    const webhooks: WebhookSender = {
      send: async (_message: WebhookMessage) => {
        const current = (await store.get(record.requestId)) as RequestRecord;
        await store.update({
          requestId: record.requestId,
          expectedVersion: current.version,
          set: { notification: ready },
          at: minutesFromStart(1),
        });
        return { ok: true, status: 200, durationMs: 1 };
      },
    };

    await sendNotification(
      {
        requestId: record.requestId,
        type: 'replica.approved',
        webhookId: approved.webhookId,
        chainId: 'chain_approved',
      },
      {
        store,
        webhooks,
        clock: fixedClock(minutesFromStart(0)),
        callbackRules: { localMode: false, allowedHosts: ['hooks.example.com'] },
        retryWindowMs: 3_600_000,
      },
    );

    const stored = (await store.get(record.requestId)) as RequestRecord;
    expect(stored.notification).toMatchObject({
      webhookId: ready.webhookId,
      status: 'PENDING',
      attempts: [],
    });
    expect(stored.notification?.deliveredTargets).toBeUndefined();
  });
});
