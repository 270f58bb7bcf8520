import type { RemovalSubmission } from '#local/chaos/removal-workload.ts';
import type { ReceivedWebhook } from '#local/stack/webhook-receiver.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import { isTerminal } from '#shared/domain/request-state.ts';

/** The removals' half of the chaos report: every one ended and told, and every forbidden one refused. */
export interface RemovalOutcomes {
  readonly submitted: number;
  readonly distinctKeys: number;
  readonly terminal: number;
  /** Removals the API answered 400 as they had to be (never queued, never near Tencent). */
  readonly refusedAtBorder: number;
  /** Keys the API never accepted (other than the border refusals), or whose record is not terminal. */
  readonly lost: number;
  /** Terminal removals whose ending webhook (the record's webhook-id) never reached the receiver. */
  readonly webhooksMissing: number;
  /** Removals that had to be refused (foreign, prepaid by a submitter, a primary…) and were not. */
  readonly refusalsMissed: number;
  readonly states: Readonly<Record<string, number>>;
}

export interface RemovalRun {
  readonly submissions: readonly RemovalSubmission[];
  /** The request id the API answered for each accepted key. */
  readonly requestIds: ReadonlyMap<string, string>;
  /** The HTTP status of each key the API refused. */
  readonly refusedAtBorder: ReadonlyMap<string, number>;
}

export const removalOutcomes = (
  run: RemovalRun,
  records: ReadonlyMap<string, RequestRecord | undefined>,
  webhooks: readonly ReceivedWebhook[],
  note: (problem: string, id: string) => void,
): RemovalOutcomes => {
  const delivered = new Set(webhooks.map((webhook) => `${webhook.payload.data.requestId}:${webhook.id}`));
  const byKey = new Map(run.submissions.map((submission) => [submission.idempotencyKey, submission]));
  const states: Record<string, number> = {};
  let terminal = 0;
  let lost = 0;
  let webhooksMissing = 0;
  let refusalsMissed = 0;
  let refusedAtBorder = 0;
  for (const [key, submission] of byKey) {
    const requestId = run.requestIds.get(key);
    if (submission.expect === 'border') {
      if (requestId || run.refusedAtBorder.get(key) !== 400) {
        refusalsMissed += 1;
        note('refusalsMissed', requestId ?? key);
      } else refusedAtBorder += 1;
      continue;
    }
    const record = requestId ? records.get(requestId) : undefined;
    if (!requestId || !record || !isTerminal(record.state)) {
      lost += 1;
      note('removalsLost', requestId ?? key);
      if (record) states[record.state] = (states[record.state] ?? 0) + 1;
      continue;
    }
    terminal += 1;
    states[record.state] = (states[record.state] ?? 0) + 1;
    if (submission.expect === 'refused' && record.state !== 'REJECTED') {
      refusalsMissed += 1;
      note('refusalsMissed', requestId);
    }
    const webhookId = record.notification?.webhookId;
    if (!webhookId || !delivered.has(`${requestId}:${webhookId}`)) {
      webhooksMissing += 1;
      note('removalWebhooksMissing', requestId);
    }
  }
  return {
    submitted: run.submissions.length,
    distinctKeys: byKey.size,
    terminal,
    refusedAtBorder,
    lost,
    webhooksMissing,
    refusalsMissed,
    states,
  };
};
