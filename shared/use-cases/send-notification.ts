import type { DeliveryAttempt, Notification, RequestRecord } from '#shared/domain/request-record.ts';
import { ConcurrentUpdateError } from '#shared/errors.ts';
import { logger } from '#shared/logger.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { RequestStore } from '#shared/ports/request-store.ts';
import type { WebhookSender } from '#shared/ports/webhook-sender.ts';
import type { NotifyMessage } from '#shared/use-cases/queue-messages.ts';
import { webhookPayload } from '#shared/use-cases/webhook-payload.ts';

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
    await save(record, { ...notification, status: 'DELIVERED', deliveredAt: now.toISOString() }, deps);
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
  const windowOver = (current: Notification) =>
    now.getTime() - Date.parse(current.attempts[0]?.at ?? attempt.at) >= deps.retryWindowMs;
  const settled = await recordAttempt(record, deps, (current) => ({
    ...current,
    attempts: [...current.attempts, attempt].slice(-(deps.keepAttempts ?? 20)),
    status:
      result.ok || current.status === 'DELIVERED'
        ? 'DELIVERED'
        : windowOver(current)
          ? 'UNDELIVERED'
          : current.status,
    ...(result.ok ? { deliveredAt: attempt.at } : {}),
  }));
  logger.info('notify: webhook attempt', {
    requestId: record.requestId,
    webhookId: notification.webhookId,
    ok: result.ok,
    status: result.status,
  });
  if (result.ok) return 'delivered';
  return settled?.status === 'UNDELIVERED'
    ? 'undelivered'
    : settled?.status === 'DELIVERED'
      ? 'skipped'
      : 'retry';
};

const save = (record: RequestRecord, notification: Notification, deps: NotifyDependencies) =>
  recordAttempt(record, deps, () => notification);

/**
 * Writes the notification conditionally on the record's version. The poller may mark the same
 * notification ENQUEUED at the same moment; on a lost race the record is read again and the change
 * re-applied to what is there now, so neither the attempt nor the delivery is ever lost.
 */
const recordAttempt = async (
  record: RequestRecord,
  deps: NotifyDependencies,
  change: (current: Notification) => Notification,
): Promise<Notification | undefined> => {
  let current: RequestRecord | undefined = record;
  for (let tries = 0; tries < 5 && current?.notification; tries += 1) {
    const next = change(current.notification);
    try {
      await deps.store.update({
        requestId: current.requestId,
        expectedVersion: current.version,
        state: current.state,
        set: { notification: next },
        at: deps.clock.now().toISOString(),
      });
      return next;
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError)) throw error;
      current = await deps.store.get(record.requestId);
    }
  }
  if (!current?.notification) return undefined;
  throw new ConcurrentUpdateError(
    record.requestId,
    `could not record the notification of ${record.requestId}`,
  );
};
