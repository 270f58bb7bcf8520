import type { Notification, RequestRecord } from '#shared/domain/request-record.ts';
import { ConcurrentUpdateError } from '#shared/errors.ts';
import { logger } from '#shared/logger.ts';
import { targetsOf } from '#shared/use-cases/notification-targets.ts';
import type { NotifyDependencies, NotifyOutcome } from '#shared/use-cases/notify-dependencies.ts';
import type { NotifyMessage } from '#shared/use-cases/queue-messages.ts';
import { backoffSeconds } from '#shared/util/backoff.ts';

/** How long an attempt may come before its chain's due time (clock skew between queue and function). */
export const DUE_LEEWAY_MS = 250;

const DEFAULT_BACKOFF = { baseSeconds: 1, maxSeconds: 60 } as const;

export type Claim =
  | { readonly kind: 'done'; readonly outcome: NotifyOutcome }
  /** Every target already accepted (or there is none): the notification is DELIVERED without an attempt. */
  | {
      readonly kind: 'nobody-left';
      readonly record: RequestRecord;
      readonly notification: Notification;
      readonly now: Date;
    }
  | {
      readonly kind: 'claimed';
      readonly record: RequestRecord;
      readonly notification: Notification;
      readonly now: Date;
      readonly retryInSeconds: number;
    };

/**
 * Reads the record and, when the message belongs to the live chain and the chain's attempt is due,
 * takes the attempt: one conditional write sets the next due time (now + the retry delay). A lost
 * race reads again: whoever won either took this attempt (the message is then early, and dropped) or
 * changed something else (the claim is tried again on what is there now).
 */
export const claimAttempt = async (message: NotifyMessage, deps: NotifyDependencies): Promise<Claim> => {
  for (let tries = 0; tries < 5; tries += 1) {
    const record = await deps.store.get(message.requestId);
    const notification = record?.notification;
    if (!record || !notification || notification.webhookId !== message.webhookId) {
      logger.warn('notify: no matching notification; dropping', { requestId: message.requestId });
      return { kind: 'done', outcome: 'skipped' };
    }
    if (notification.status === 'DELIVERED') return { kind: 'done', outcome: 'skipped' };
    // Every copy of an undelivered notification's message goes to the dead-letter queue (a redrive resets it).
    if (notification.status === 'UNDELIVERED') return { kind: 'done', outcome: 'undelivered' };
    if (notification.status === 'PENDING' || notification.chainId !== message.chainId) {
      logger.info('notify: message of a retry chain that is not the live one; dropping', {
        requestId: record.requestId,
        webhookId: notification.webhookId,
      });
      return { kind: 'done', outcome: 'skipped' };
    }
    const now = deps.clock.now();
    if (
      targetsOf(record, deps.callbackRules).every((target) => notification.deliveredTargets?.includes(target))
    ) {
      return { kind: 'nobody-left', record, notification, now };
    }
    const due = Date.parse(notification.nextAttemptAt ?? '');
    if (due - DUE_LEEWAY_MS > now.getTime()) {
      logger.info('notify: attempt not due; a copy of the chain message already made it, dropping', {
        requestId: record.requestId,
        webhookId: notification.webhookId,
        nextAttemptAt: notification.nextAttemptAt,
      });
      return { kind: 'done', outcome: 'skipped' };
    }
    const retryInSeconds = Math.max(
      1,
      Math.ceil(
        deps.retryDelaySeconds?.(notification, now) ??
          backoffSeconds((notification.attemptCount ?? 0) + 1, DEFAULT_BACKOFF),
      ),
    );
    const claimed: Notification = {
      ...notification,
      attemptCount: (notification.attemptCount ?? 0) + 1,
      nextAttemptAt: new Date(now.getTime() + retryInSeconds * 1000).toISOString(),
    };
    try {
      const updated = await deps.store.update({
        requestId: record.requestId,
        expectedVersion: record.version,
        state: record.state,
        set: { notification: claimed },
        at: now.toISOString(),
      });
      return { kind: 'claimed', record: updated, notification: claimed, now, retryInSeconds };
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError)) throw error;
    }
  }
  throw new ConcurrentUpdateError(
    message.requestId,
    `could not claim a notification attempt of ${message.requestId}`,
  );
};
