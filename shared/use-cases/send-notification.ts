import type { CallbackUrlRules } from '#shared/domain/callback-url.ts';
import type { Notification, RequestRecord } from '#shared/domain/request-record.ts';
import { ConcurrentUpdateError } from '#shared/errors.ts';
import { logger } from '#shared/logger.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { RequestStore } from '#shared/ports/request-store.ts';
import type { SourceNotifiers } from '#shared/ports/source-notifier.ts';
import type { WebhookSender } from '#shared/ports/webhook-sender.ts';
import { deliverTo, targetsOf, webhookRefusal } from '#shared/use-cases/notification-targets.ts';
import type { NotifyMessage } from '#shared/use-cases/queue-messages.ts';

export interface NotifyDependencies {
  readonly store: RequestStore;
  readonly webhooks: WebhookSender;
  /** Where requests from Slack and Jira are also told; a target without one fails and is retried. */
  readonly sourceNotifiers?: SourceNotifiers;
  readonly clock: Clock;
  /** The callback rules validate applies: a callback URL that breaks them is never a webhook target. */
  readonly callbackRules: CallbackUrlRules;
  /** Retries stop after this long from the first attempt; the notification is then UNDELIVERED. */
  readonly retryWindowMs: number;
  /** Attempts kept on the record (the newest ones). */
  readonly keepAttempts?: number;
}

/**
 * - `delivered`: every target (the webhook receiver, the Slack channel, the Jira issue) accepted it,
 *   or there was nobody to tell.
 * - `retry`: a target did not accept it; the message comes back after a backoff through the queue.
 * - `undelivered`: the retry window is over; the request shows what was not delivered.
 * - `skipped`: already delivered, or not this message's notification.
 */
export type NotifyOutcome = 'delivered' | 'retry' | 'undelivered' | 'skipped';

/**
 * Tells everyone a request's end must reach: the signed webhook (when `callback.url` is set) and the
 * source it came from (Slack, Jira). Every attempt is recorded on the request with its target; a
 * target that accepted is never posted to again, and the notification is DELIVERED once all have.
 */
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
  if (notification.status === 'DELIVERED') return 'skipped';
  // Every copy of an undelivered notification's message goes to the dead-letter queue (a redrive resets it).
  if (notification.status === 'UNDELIVERED') return 'undelivered';
  const now = deps.clock.now();
  const targets = targetsOf(record, deps.callbackRules);
  const refusal = record.request.callback?.url ? webhookRefusal(record, deps.callbackRules) : undefined;
  if (refusal)
    logger.warn('notify: callback URL refused; no webhook sent', { requestId: record.requestId, refusal });
  const pending = targets.filter((target) => !notification.deliveredTargets?.includes(target));
  if (pending.length === 0) {
    await save(record, { ...notification, status: 'DELIVERED', deliveredAt: now.toISOString() }, deps);
    return 'delivered';
  }
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
  if (accepted.length === attempts.length) return 'delivered';
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
