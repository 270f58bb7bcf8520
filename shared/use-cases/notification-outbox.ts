import { randomUUID } from 'node:crypto';
import type { Notification, RequestRecord, WebhookType } from '#shared/domain/request-record.ts';
import { logger } from '#shared/logger.ts';
import type { MessageQueue } from '#shared/ports/message-queue.ts';
import type { RequestStore } from '#shared/ports/request-store.ts';
import type { NotifyMessage } from '#shared/use-cases/queue-messages.ts';

/**
 * The outbox of terminal requests. A terminal state is written together with a PENDING
 * notification (one conditional write), so the request stays in the in-flight index until the
 * notify message is queued; a crash between the two is repaired by the next poll.
 */
export const pendingNotification = (type: WebhookType): Notification => ({
  type,
  webhookId: `msg_${randomUUID().replaceAll('-', '')}`,
  status: 'PENDING',
  attempts: [],
});

export const notifyMessageFor = (record: RequestRecord): NotifyMessage | undefined =>
  record.notification
    ? {
        requestId: record.requestId,
        type: record.notification.type,
        webhookId: record.notification.webhookId,
      }
    : undefined;

/** Queues the notify messages of records whose notification is PENDING and marks them ENQUEUED. */
export const enqueuePendingNotifications = async (
  records: readonly RequestRecord[],
  deps: { readonly store: RequestStore; readonly queue: MessageQueue },
  at: string,
): Promise<number> => {
  const pending = records.filter((record) => record.notification?.status === 'PENDING');
  if (pending.length === 0) return 0;
  await deps.queue.sendBatch('notify', pending.map(notifyMessageFor));
  let marked = 0;
  for (const record of pending) {
    const notification = record.notification as Notification;
    try {
      await deps.store.update({
        requestId: record.requestId,
        expectedVersion: record.version,
        state: record.state,
        set: { notification: { ...notification, status: 'ENQUEUED', enqueuedAt: at } },
        at,
      });
      marked += 1;
    } catch (error) {
      // Someone else changed the record (another poller marked it): the message may be queued twice,
      // which notify absorbs (it skips DELIVERED notifications; receivers dedupe on webhook-id).
      logger.warn('could not mark notification enqueued', { requestId: record.requestId, error });
    }
  }
  return marked;
};
