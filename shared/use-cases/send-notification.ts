import type { Notification, RequestRecord } from '#shared/domain/request-record.ts';
import { ConcurrentUpdateError } from '#shared/errors.ts';
import { logger } from '#shared/logger.ts';
import { claimAttempt } from '#shared/use-cases/claim-notification-attempt.ts';
import { deliverTo, targetsOf, webhookRefusal } from '#shared/use-cases/notification-targets.ts';
import type { NotifyDependencies, NotifyOutcome } from '#shared/use-cases/notify-dependencies.ts';
import type { NotifyMessage } from '#shared/use-cases/queue-messages.ts';

export type { NotifyDependencies, NotifyOutcome } from '#shared/use-cases/notify-dependencies.ts';

export interface NotifyResult {
  readonly outcome: NotifyOutcome;
  /** With `retry`: the delay written as the chain's next due time. */
  readonly retryInSeconds?: number;
}

/**
 * Tells everyone a request's end must reach: the signed webhook (when `callback.url` is set) and the
 * source it came from (Slack, Jira). Only the notification's live chain attempts, one attempt per
 * due time: the attempt is claimed first (a conditional write that moves the chain's due time on by
 * the retry delay), so a duplicate message, a stale chain's message or a concurrent copy is dropped
 * instead of starting a retry chain of its own. Every attempt is recorded on the request with its
 * target; a target that accepted is never posted to again, and the notification is DELIVERED once
 * all have. A failed attempt keeps the notification ENQUEUED with its chain.
 */
export const sendNotification = async (
  message: NotifyMessage,
  deps: NotifyDependencies,
): Promise<NotifyResult> => {
  const claim = await claimAttempt(message, deps);
  if (claim.kind === 'nobody-left') {
    const { record, notification } = claim;
    await save(record, { ...notification, status: 'DELIVERED', deliveredAt: claim.now.toISOString() }, deps);
    return { outcome: 'delivered' };
  }
  if (claim.kind === 'done') return { outcome: claim.outcome };
  const { record, notification, now, retryInSeconds } = claim;
  const targets = targetsOf(record, deps.callbackRules);
  const refusal = record.request.callback?.url ? webhookRefusal(record, deps.callbackRules) : undefined;
  if (refusal)
    logger.warn('notify: callback URL refused; no webhook sent', { requestId: record.requestId, refusal });
  const pending = targets.filter((target) => !notification.deliveredTargets?.includes(target));
  const attempts = await Promise.all(
    pending.map((target) => deliverTo(target, record, notification, now, deps)),
  );
  const accepted = attempts.filter((attempt) => attempt.ok).map((attempt) => attempt.target);
  // From the first attempt ever made: `attempts` keeps only the newest ones.
  const windowOver = (current: Notification) =>
    now.getTime() - Date.parse(current.firstAttemptAt ?? now.toISOString()) >= deps.retryWindowMs;
  const settled = await recordAttempt(record, deps, (current) => {
    const deliveredTargets = [...new Set([...(current.deliveredTargets ?? []), ...accepted])];
    const done =
      current.status === 'DELIVERED' || targets.every((target) => deliveredTargets.includes(target));
    return {
      ...current,
      attempts: [...current.attempts, ...attempts].slice(-(deps.keepAttempts ?? 20)),
      firstAttemptAt: current.firstAttemptAt ?? now.toISOString(),
      deliveredTargets,
      // Never back to PENDING: a failed attempt leaves the chain live, and nobody starts another.
      status: done ? 'DELIVERED' : windowOver(current) ? 'UNDELIVERED' : current.status,
      ...(done && !current.deliveredAt ? { deliveredAt: now.toISOString() } : {}),
    };
  });
  for (const attempt of attempts) {
    logger.info(`notify: ${attempt.target} attempt`, {
      requestId: record.requestId,
      webhookId: notification.webhookId,
      target: attempt.target,
      ok: attempt.ok,
      status: attempt.status,
      ...(attempt.error ? { error: attempt.error } : {}),
    });
  }
  if (accepted.length === attempts.length) return { outcome: 'delivered' };
  if (settled?.status === 'UNDELIVERED') return { outcome: 'undelivered' };
  // Delivered meanwhile, or the chain was restarted meanwhile (its own message carries it on).
  if (settled?.status === 'DELIVERED' || settled?.chainId !== notification.chainId) {
    return { outcome: 'skipped' };
  }
  return { outcome: 'retry', retryInSeconds };
};

const save = (record: RequestRecord, notification: Notification, deps: NotifyDependencies) =>
  recordAttempt(record, deps, () => notification);

/**
 * Writes the notification conditionally on the record's version. The poller may restart the chain,
 * or a redrive reset it, at the same moment; on a lost race the record is read again and the change
 * re-applied to what is there now, so neither the attempt nor the delivery is ever lost.
 */
const recordAttempt = async (
  record: RequestRecord,
  deps: NotifyDependencies,
  change: (current: Notification) => Notification,
): Promise<Notification | undefined> => {
  let current: RequestRecord | undefined = record;
  for (let tries = 0; tries < 5 && current?.notification; tries += 1) {
    // A later state wrote its own notification meanwhile (an approval announcement superseded): this
    // attempt belongs to the old one and must not be counted for the new one.
    if (current.notification.webhookId !== record.notification?.webhookId) return current.notification;
    const next = change(current.notification);
    // Delivered: the request no longer waits on the notify queue, whatever a dead-letter scan marked.
    const unstuck = next.status === 'DELIVERED' && current.stuck?.queue === 'notify';
    try {
      await deps.store.update({
        requestId: current.requestId,
        expectedVersion: current.version,
        state: current.state,
        set: { notification: next },
        ...(unstuck ? { remove: ['stuck'] as const } : {}),
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
