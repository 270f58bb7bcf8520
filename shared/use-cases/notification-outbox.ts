import { randomUUID } from 'node:crypto';
import type { Notification, RequestRecord, WebhookType } from '#shared/domain/request-record.ts';
import { ConcurrentUpdateError } from '#shared/errors.ts';
import { logger } from '#shared/logger.ts';
import type { MessageQueue } from '#shared/ports/message-queue.ts';
import type { RequestStore } from '#shared/ports/request-store.ts';
import type { NotifyMessage } from '#shared/use-cases/queue-messages.ts';

/**
 * The outbox of terminal requests (and of the approval step's announcements: awaiting approval,
 * approved). A terminal state is written together with a PENDING notification (one conditional
 * write), so the request stays in the in-flight index until its notification is done. A record holds
 * one notification: an announcement not yet delivered when the next state writes its own is
 * superseded by it (the later one carries the state and the approval). A notification has at most one live retry chain: starting one is a
 * conditional write (ENQUEUED, a new `chainId`) made before its one message is sent, and only that
 * chain's message may attempt. A crash between the write and the send leaves a chain with no
 * message; the poller restarts a chain that stayed silent past its due time plus a grace.
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
        ...(record.notification.chainId ? { chainId: record.notification.chainId } : {}),
      }
    : undefined;

/** The notification with a new live chain, due now. */
export const withNewChain = (notification: Notification, at: string): Notification => ({
  ...notification,
  status: 'ENQUEUED',
  chainId: `chain_${randomUUID().replaceAll('-', '')}`,
  enqueuedAt: at,
  nextAttemptAt: at,
});

/**
 * Whether the record's notification needs a chain started now (in any state: notifications are written
 * with terminal states and with the approval step's): PENDING (none yet), or ENQUEUED with a
 * chain silent for `silentAfterMs` past its due time (its message is gone). A record from before
 * chains has no `nextAttemptAt`; its `enqueuedAt` (or last write) stands in.
 */
export const needsChain = (record: RequestRecord, now: Date, silentAfterMs: number): boolean => {
  const notification = record.notification;
  if (!notification) return false;
  if (notification.status === 'PENDING') return true;
  if (notification.status !== 'ENQUEUED') return false;
  const due = Date.parse(notification.nextAttemptAt ?? notification.enqueuedAt ?? record.updatedAt);
  return now.getTime() - due > silentAfterMs;
};

/**
 * Starts one chain for each record that `needsChain` (PENDING; or, with `silentAfterMs`, a chain gone
 * silent): a conditional write per record, then one message per write that won. A record changed
 * under us (another poller started the chain, notify made an attempt) is left alone — whoever changed
 * it has the chain in hand, and the next cycle looks again. Returns the chains started.
 */
export const startNotificationChains = async (
  records: readonly RequestRecord[],
  deps: { readonly store: RequestStore; readonly queue: MessageQueue },
  at: string,
  options: { readonly silentAfterMs?: number } = {},
): Promise<{ started: number; restarted: number }> => {
  const now = new Date(at);
  const due = records.filter((record) =>
    needsChain(record, now, options.silentAfterMs ?? Number.POSITIVE_INFINITY),
  );
  if (due.length === 0) return { started: 0, restarted: 0 };
  const marked = await Promise.all(due.map((record) => markChain(record, deps.store, at)));
  const started = marked.filter((record): record is RequestRecord => record !== undefined);
  if (started.length > 0) await deps.queue.sendBatch('notify', started.map(notifyMessageFor));
  const wasLive = new Set(
    due.filter((record) => record.notification?.status === 'ENQUEUED').map((record) => record.requestId),
  );
  const restarted = started.filter((record) => wasLive.has(record.requestId));
  for (const record of restarted) {
    logger.warn('notify: restarted a retry chain that stayed silent past its due time', {
      requestId: record.requestId,
      webhookId: record.notification?.webhookId,
    });
  }
  return { started: started.length - restarted.length, restarted: restarted.length };
};

/** Queues the notify messages of records whose notification is PENDING (one chain each). */
export const enqueuePendingNotifications = async (
  records: readonly RequestRecord[],
  deps: { readonly store: RequestStore; readonly queue: MessageQueue },
  at: string,
): Promise<number> => (await startNotificationChains(records, deps, at)).started;

const markChain = async (
  record: RequestRecord,
  store: RequestStore,
  at: string,
): Promise<RequestRecord | undefined> => {
  try {
    return await store.update({
      requestId: record.requestId,
      expectedVersion: record.version,
      state: record.state,
      set: { notification: withNewChain(record.notification as Notification, at) },
      at,
    });
  } catch (error) {
    if (!(error instanceof ConcurrentUpdateError)) throw error;
    logger.info('notify: record changed before its chain was started; the next cycle looks again', {
      requestId: record.requestId,
    });
    return undefined;
  }
};
