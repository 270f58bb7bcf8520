import type { DeliveryAttempt, Notification } from '../domain/request-record.ts';
import { ConcurrentUpdateError } from '../errors.ts';
import { logger } from '../logger.ts';
import type { Clock } from '../ports/clock.ts';
import type { RequestStore } from '../ports/request-store.ts';
import type { WebhookSender } from '../ports/webhook-sender.ts';
import type { NotifyMessage } from './queue-messages.ts';
import { webhookPayload } from './webhook-payload.ts';

export interface NotifyDependencies {
  readonly store: RequestStore;
  readonly webhooks: WebhookSender;
  readonly clock: Clock;
  /** Retries stop after this long from the first attempt; the notification is then UNDELIVERED. */
  readonly retryWindowMs: number;
  /** Attempts kept on the record (the newest ones). */
  readonly keepAttempts?: number;
}

/**
 * - `delivered`: the receiver answered 2xx (or there was no callback to call).
 * - `retry`: not accepted; the message comes back after a backoff through the queue.
 * - `undelivered`: the retry window is over; the request shows what was not delivered.
 * - `skipped`: already delivered, or not this message's notification.
 */
export type NotifyOutcome = 'delivered' | 'retry' | 'undelivered' | 'skipped';

/** Delivers the request's completion webhook, recording every attempt on the request. */
export const sendNotification = async (
  message: NotifyMessage,
  deps: NotifyDependencies,
): Promise<NotifyOutcome> => {
  const record = await deps.store.get(message.requestId);
  const notification = record?.notification;
  if (!record || !notification || notification.webhookId !== message.webhookId) {
    logger.warn('notify: no matching notification; dropping', { requestId: message.requestId });
    return 'skipped';
  }
  if (notification.status === 'DELIVERED' || notification.status === 'UNDELIVERED') return 'skipped';
  const now = deps.clock.now();
  const url = record.request.callback?.url;
  if (!url) {
    await save(
      record.requestId,
      record.version,
      { ...notification, status: 'DELIVERED', deliveredAt: now.toISOString() },
      deps,
    );
    return 'delivered';
  }
  const body = JSON.stringify(webhookPayload(record, notification.type, now.toISOString()));
  const result = await deps.webhooks.send({ url, id: notification.webhookId, body });
  const attempt: DeliveryAttempt = {
    at: now.toISOString(),
    target: 'webhook',
    ok: result.ok,
    ...(result.status !== undefined ? { status: result.status } : {}),
    ...(result.error ? { error: result.error } : {}),
    durationMs: result.durationMs,
  };
  const attempts = [...notification.attempts, attempt].slice(-(deps.keepAttempts ?? 20));
  const firstAttempt = Date.parse(notification.attempts[0]?.at ?? attempt.at);
  const windowOver = now.getTime() - firstAttempt >= deps.retryWindowMs;
  const status: Notification['status'] = result.ok
    ? 'DELIVERED'
    : windowOver
      ? 'UNDELIVERED'
      : notification.status;
  await save(
    record.requestId,
    record.version,
    { ...notification, status, attempts, ...(result.ok ? { deliveredAt: attempt.at } : {}) },
    deps,
  );
  logger.info('notify: webhook attempt', {
    requestId: record.requestId,
    webhookId: notification.webhookId,
    ok: result.ok,
    status: result.status,
  });
  if (result.ok) return 'delivered';
  return windowOver ? 'undelivered' : 'retry';
};

const save = async (
  requestId: string,
  version: number,
  notification: Notification,
  deps: NotifyDependencies,
) => {
  try {
    await deps.store.update({
      requestId,
      expectedVersion: version,
      set: { notification },
      at: deps.clock.now().toISOString(),
    });
  } catch (error) {
    // A concurrent delivery of the same message recorded its attempt first; ours still happened.
    if (!(error instanceof ConcurrentUpdateError)) throw error;
  }
};
