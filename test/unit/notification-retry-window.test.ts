import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import type { WebhookSender } from '#shared/ports/webhook-sender.ts';
import { sendNotification } from '#shared/use-cases/send-notification.ts';
import { FIXTURE_TIME, notification, requestRecord } from '#test/fixtures/request-records.ts';
import { InMemoryStore } from '#test/support/in-memory-store.ts';

const HOUR = 3600_000;
const WINDOW_MS = 24 * HOUR;

/** A webhook receiver that is down: every delivery answers 503. */
const downReceiver: WebhookSender = {
  send: async () => ({ ok: false, status: 503, error: 'HTTP 503', durationMs: 2 }),
};

const readyRecord = (): RequestRecord => {
  const base = requestRecord({ createdAt: FIXTURE_TIME });
  return {
    ...base,
    state: 'READY',
    request: { ...base.request, callback: { url: 'https://hooks.example.com/replicas' } },
    requester: { source: 'api', identity: 'test' },
    notification: notification('ENQUEUED'),
  };
};

/** Delivers the record's notify message once an hour from FIXTURE_TIME, `hours` times. */
const deliverHourly = async (record: RequestRecord, hours: number) => {
  const store = new InMemoryStore();
  store.records.set(record.requestId, record);
  let now = Date.parse(FIXTURE_TIME);
  const outcomes: string[] = [];
  const message = {
    requestId: record.requestId,
    type: 'replica.ready' as const,
    webhookId: record.notification?.webhookId ?? '',
  };
  for (let hour = 0; hour < hours; hour += 1) {
    const { outcome } = await sendNotification(message, {
      store,
      webhooks: downReceiver,
      clock: { now: () => new Date(now) },
      callbackRules: { localMode: false, allowedHosts: ['hooks.example.com'] },
      retryWindowMs: WINDOW_MS,
    });
    outcomes.push(outcome);
    now += HOUR;
  }
  return { outcomes, stored: store.records.get(record.requestId) };
};

describe('sendNotification retry window', () => {
  it('ends UNDELIVERED once 24 h have passed since the first attempt, though only the last 20 attempts are kept', async () => {
    const { outcomes, stored } = await deliverHourly(readyRecord(), 26);

    // Attempts at hours 0…23 are inside the window; the one at hour 24 is the first outside it.
    expect(outcomes.slice(0, 24)).toEqual(Array(24).fill('retry'));
    expect(outcomes[24]).toBe('undelivered');
    expect(stored?.notification?.status).toBe('UNDELIVERED');
    expect(stored?.notification?.firstAttemptAt).toBe(FIXTURE_TIME);
    expect(stored?.notification?.attempts).toHaveLength(20);
  });

  it('answers undelivered again for a notification already UNDELIVERED, so each copy of its message is dead-lettered', async () => {
    const { outcomes } = await deliverHourly(readyRecord(), 27);

    expect(outcomes[25]).toBe('undelivered');
    expect(outcomes[26]).toBe('undelivered');
  });

  it('starts a new window after a redrive cleared firstAttemptAt and set the notification ENQUEUED again', async () => {
    const record = readyRecord();
    const redriven: RequestRecord = {
      ...record,
      notification: {
        ...notification('ENQUEUED'),
        webhookId: record.notification?.webhookId ?? '',
        attempts: [
          { at: '2026-11-20T00:00:00.000Z', target: 'webhook', ok: false, status: 503, durationMs: 1 },
        ],
        redrivenAt: FIXTURE_TIME,
      },
    };

    const { outcomes, stored } = await deliverHourly(redriven, 3);

    expect(outcomes).toEqual(['retry', 'retry', 'retry']);
    expect(stored?.notification?.status).toBe('ENQUEUED');
    expect(stored?.notification?.firstAttemptAt).toBe(FIXTURE_TIME);
  });
});
