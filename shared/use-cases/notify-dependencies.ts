import type { CallbackUrlRules } from '#shared/domain/callback-url.ts';
import type { Notification } from '#shared/domain/request-record.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { RequestStore } from '#shared/ports/request-store.ts';
import type { SourceNotifiers } from '#shared/ports/source-notifier.ts';
import type { WebhookSender } from '#shared/ports/webhook-sender.ts';

/** The ports and settings of `sendNotification` (and of `claimAttempt`, the first step it takes). */
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
  /**
   * The delay before the chain's next attempt, should this one fail (default: exponential backoff
   * with jitter, 1 to 60 s). It is written on the record before the attempt (`nextAttemptAt`), and
   * the handler hides the message for exactly that long.
   */
  readonly retryDelaySeconds?: (notification: Notification, now: Date) => number;
}

/**
 * - `delivered`: every target (the webhook receiver, the Slack channel, the Jira issue) accepted it,
 *   or there was nobody to tell.
 * - `retry`: a target did not accept it; the message must come back after `retryInSeconds`, when
 *   the chain's next attempt is due.
 * - `undelivered`: the retry window is over; the request shows what was not delivered.
 * - `skipped`: drop the message: already delivered, not this notification, not its live chain, or
 *   not due yet (a duplicate of the chain's message, whose attempt was already made).
 */
export type NotifyOutcome = 'delivered' | 'retry' | 'undelivered' | 'skipped';
