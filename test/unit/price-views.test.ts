import { describe, expect, it } from 'vitest';
import { jiraCompletionComment } from '#shared/adapters/jira/jira-completion-comment.ts';
import { slackCompletionMessage } from '#shared/adapters/slack/slack-completion-message.ts';
import type { PlanPrice } from '#shared/domain/plan-price.ts';
import { acceptedReply, statusReply } from '#shared/ingress/slack/slack-replies.ts';
import { completionOf } from '#shared/use-cases/completion.ts';
import { requestView } from '#shared/use-cases/request-view.ts';
import { webhookPayload } from '#shared/use-cases/webhook-payload.ts';
import { FIXTURE_TIME, requestRecord } from '#test/fixtures/request-records.ts';

const price: PlanPrice = { originalMinor: 7_400, discountedMinor: 6_660, currency: 'CNY', per: 'PT1H' };
const RENDERED = {
  original: 74,
  discounted: 66.6,
  currency: 'CNY',
  per: 'PT1H',
  originalMinor: 7_400,
  discountedMinor: 6_660,
};
const ready = (withPrice: boolean) =>
  requestRecord({
    state: 'READY',
    ...(withPrice ? { price } : {}),
    history: [
      { state: 'RECEIVED', at: FIXTURE_TIME },
      { state: 'READY', at: '2026-11-29T10:05:00.000Z' },
    ],
  });

describe('the price where a request is shown', () => {
  it('is in the status API and every webhook in main units, with the exact fen beside them', () => {
    const record = ready(true);

    expect(requestView(record).price).toEqual(RENDERED);
    expect(webhookPayload(record, 'replica.ready', FIXTURE_TIME).data.price).toEqual(RENDERED);
    expect(webhookPayload(record, 'replica.dry_run', FIXTURE_TIME).data.price).toEqual(RENDERED);
  });

  it('is in the Slack completion message and the Jira comment', () => {
    const completion = completionOf(ready(true), 'replica.ready');

    expect(slackCompletionMessage(completion).text).toContain('*Price:* CNY 66.60 an hour (list CNY 74.00)');
    expect(jiraCompletionComment(completion)).toContain('* Price: CNY 66.60 an hour (list CNY 74.00)');
  });

  it('is in the Slack status reply and in the acknowledgement of a request already priced', () => {
    const record = ready(true);

    expect(statusReply(record).text).toContain('Price: CNY 66.60 an hour');
    expect(acceptedReply(record, true).text).toContain('Price: CNY 66.60 an hour');
    expect(acceptedReply(requestRecord(), false).text).not.toContain('Price');
  });

  it('leaves records from before prices readable: no price, null in the webhook, no price line', () => {
    const record = ready(false);
    const completion = completionOf(record, 'replica.ready');

    expect(requestView(record).price).toBeUndefined();
    expect(webhookPayload(record, 'replica.ready', FIXTURE_TIME).data.price).toBeNull();
    expect(slackCompletionMessage(completion).text).not.toContain('Price');
    expect(jiraCompletionComment(completion)).not.toContain('Price');
    expect(statusReply(record).text).not.toContain('Price');
  });
});
