import { type CallbackUrlRules, checkCallbackUrl } from '#shared/domain/callback-url.ts';
import type { DeliveryAttempt, Notification, RequestRecord } from '#shared/domain/request-record.ts';
import { ANSWERING_SOURCES } from '#shared/ingress/sources.ts';
import type { SourceNotifier, SourceNotifiers, SourceTarget } from '#shared/ports/source-notifier.ts';
import type { DeliveryResult, WebhookSender } from '#shared/ports/webhook-sender.ts';
import { completionOf } from '#shared/use-cases/completion.ts';
import { webhookPayload } from '#shared/use-cases/webhook-payload.ts';

export type NotificationTarget = DeliveryAttempt['target'];

/**
 * Why the request's callback URL is no webhook target: it has none, or it breaks the callback rules
 * (the same rules validate applies). Such a URL is never posted to, in any state: a request refused
 * for its callback URL is REJECTED, and its `replica.rejected` webhook must not go to that URL.
 */
export const webhookRefusal = (record: RequestRecord, rules: CallbackUrlRules): string | undefined => {
  const url = record.request.callback?.url;
  if (!url) return 'the request has no callback URL';
  const verdict = checkCallbackUrl(url, rules);
  return verdict.ok ? undefined : verdict.reason;
};

/**
 * Who must be told of a request's end: the signed webhook when the request has a callback URL that
 * keeps the callback rules, the source it came from when that source answers in place (a Slack
 * channel, a Jira issue), and Slack when the request's approval was announced in the approvals
 * channel (`approval.announceIn`, recorded when it started waiting: a request not made in Slack).
 * From then on every notification of the request goes there too: awaiting, approved, denied,
 * expired, and the end of what was approved, so the approvers see what their decision led to.
 */
export const targetsOf = (record: RequestRecord, rules: CallbackUrlRules): NotificationTarget[] => {
  const sources: NotificationTarget[] = ANSWERING_SOURCES.filter(
    (source) => source.id === record.requester.source,
  ).map((source) => source.id);
  if (record.approval?.announceIn?.slackChannel && !sources.includes('slack')) sources.push('slack');
  return [...(webhookRefusal(record, rules) === undefined ? (['webhook'] as const) : []), ...sources];
};

export interface TargetPorts {
  readonly webhooks: WebhookSender;
  readonly sourceNotifiers?: SourceNotifiers;
}

/** What a delivery records when the function has no notifier for the source (its `source.ts`'s `answers`). */
const notConfigured = (target: SourceTarget): string =>
  ANSWERING_SOURCES.find((source) => source.id === target)?.answers.notConfigured ??
  `${target} has no notifier`;

const notifySource = async (
  target: SourceTarget,
  notifier: SourceNotifier | undefined,
  record: RequestRecord,
  notification: Notification,
): Promise<DeliveryResult> => {
  if (!notifier) return { ok: false, error: notConfigured(target), durationMs: 0 };
  try {
    return await notifier.notify(completionOf(record, notification.type));
  } catch (error) {
    // Adapters never throw; if one does, the other targets' results must still be recorded.
    return { ok: false, error: `notifier failed: ${(error as Error).name}`, durationMs: 0 };
  }
};

/** One delivery attempt to one target, as it is recorded on the request. */
export const deliverTo = async (
  target: NotificationTarget,
  record: RequestRecord,
  notification: Notification,
  at: Date,
  ports: TargetPorts,
): Promise<DeliveryAttempt> => {
  const result =
    target === 'webhook'
      ? await ports.webhooks.send({
          url: record.request.callback?.url ?? '',
          id: notification.webhookId,
          body: JSON.stringify(webhookPayload(record, notification.type, at.toISOString())),
        })
      : await notifySource(target, ports.sourceNotifiers?.[target], record, notification);
  return {
    at: at.toISOString(),
    target,
    ok: result.ok,
    ...(result.status !== undefined ? { status: result.status } : {}),
    ...(result.error ? { error: result.error } : {}),
    durationMs: result.durationMs,
  };
};
