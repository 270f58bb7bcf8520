import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import type {
  Completion,
  SourceNotifier,
  SourceNotifiers,
  TicketCommenter,
} from '#shared/ports/source-notifier.ts';
import type { DeliveryResult, WebhookMessage, WebhookSender } from '#shared/ports/webhook-sender.ts';
import { type NotifyDependencies, sendNotification } from '#shared/use-cases/send-notification.ts';
import { FIXTURE_TIME, notification, requestRecord } from '#test/fixtures/request-records.ts';
import { InMemoryStore } from '#test/support/in-memory-store.ts';

/** A target that answers from a script of results, recording what it was asked. */
class ScriptedTarget implements WebhookSender, SourceNotifier {
  readonly calls: (WebhookMessage | Completion)[] = [];
  constructor(private readonly script: boolean[]) {}

  private answer(): DeliveryResult {
    const ok = this.script.shift() ?? true;
    return ok ? { ok, status: 200, durationMs: 3 } : { ok, status: 503, error: 'HTTP 503', durationMs: 3 };
  }
  async send(message: WebhookMessage) {
    this.calls.push(message);
    return this.answer();
  }
  async notify(completion: Completion) {
    this.calls.push(completion);
    return this.answer();
  }
}

const READY_AT = '2026-11-29T10:07:30.000Z';
const CALLBACK_RULES = { localMode: false, allowedHosts: ['hooks.example.com'] };

const readySlackRecord = (callback?: string): RequestRecord => {
  const base = requestRecord({ createdAt: FIXTURE_TIME });
  return {
    ...base,
    state: 'READY',
    request: { ...base.request, ...(callback ? { callback: { url: callback } } : {}) },
    instances: [{ instanceId: 'pgro-7kq2m9xa', status: 'running', privateIp: '10.0.4.17', port: 5432 }],
    history: [...base.history, { state: 'READY', at: READY_AT }],
    notification: notification('ENQUEUED'),
  };
};

const setUp = (
  record: RequestRecord,
  targets: { webhook?: boolean[]; slack?: boolean[] },
  notifiers = true,
) => {
  const store = new InMemoryStore();
  store.records.set(record.requestId, record);
  const webhook = new ScriptedTarget(targets.webhook ?? []);
  const slack = new ScriptedTarget(targets.slack ?? []);
  let now = new Date('2026-11-29T10:08:00.000Z');
  const sourceNotifiers: SourceNotifiers = notifiers ? { slack } : {};
  const deps: NotifyDependencies = {
    store,
    webhooks: webhook,
    sourceNotifiers,
    clock: { now: () => now },
    callbackRules: CALLBACK_RULES,
    retryWindowMs: 3_600_000,
  };
  const message = {
    requestId: record.requestId,
    type: 'replica.ready' as const,
    webhookId: record.notification?.webhookId ?? '',
  };
  return {
    store,
    webhook,
    slack,
    send: () => sendNotification(message, deps),
    later: (ms: number) => {
      now = new Date(now.getTime() + ms);
    },
    stored: () => store.records.get(record.requestId) as RequestRecord,
  };
};

describe('sendNotification to the webhook and the source', () => {
  it('posts a Slack request to Slack with its primary, replicas, address and elapsed time, and is DELIVERED', async () => {
    const { send, slack, stored } = setUp(readySlackRecord(), {});

    expect((await send()).outcome).toBe('delivered');
    expect(slack.calls).toEqual([
      expect.objectContaining({
        type: 'replica.ready',
        primary: 'postgres-abcdef',
        instances: [
          expect.objectContaining({ instanceId: 'pgro-7kq2m9xa', privateIp: '10.0.4.17', port: 5432 }),
        ],
        elapsedSeconds: 450,
        requester: expect.objectContaining({
          source: 'slack',
          context: expect.objectContaining({ channel: 'C0123456' }),
        }),
      }),
    ]);
    expect(stored().notification).toMatchObject({
      status: 'DELIVERED',
      deliveredTargets: ['slack'],
      attempts: [{ target: 'slack', ok: true, status: 200 }],
    });
  });

  it('retries only the target that failed: the webhook that accepted is not called again', async () => {
    const { send, webhook, slack, stored, later } = setUp(readySlackRecord('https://hooks.example.com/rf'), {
      webhook: [true],
      slack: [false, true],
    });

    expect((await send()).outcome).toBe('retry');
    expect(stored().notification).toMatchObject({ status: 'ENQUEUED', deliveredTargets: ['webhook'] });

    later(2000);
    expect((await send()).outcome).toBe('delivered');

    expect(webhook.calls).toHaveLength(1);
    expect(slack.calls).toHaveLength(2);
    expect(stored().notification?.status).toBe('DELIVERED');
    expect(stored().notification?.attempts.map((attempt) => [attempt.target, attempt.ok])).toEqual([
      ['webhook', true],
      ['slack', false],
      ['slack', true],
    ]);
  });

  it('records a missing Slack notifier as a failed attempt, retried until the window ends (then UNDELIVERED)', async () => {
    const { send, stored, later } = setUp(readySlackRecord(), {}, false);

    expect((await send()).outcome).toBe('retry');
    expect(stored().notification?.attempts[0]).toMatchObject({
      target: 'slack',
      ok: false,
      error: expect.stringContaining('SLACK_BOT_TOKEN or SLACK_WEBHOOK_URL'),
    });

    later(3_600_000);
    expect((await send()).outcome).toBe('undelivered');
    expect(stored().notification?.status).toBe('UNDELIVERED');
  });

  it('removes a notify stuck marker once the notification is DELIVERED (the request no longer waits on the queue)', async () => {
    const record: RequestRecord = {
      ...readySlackRecord(),
      stuck: { queue: 'notify', reason: 'retry window', messageId: 'm-1', since: FIXTURE_TIME },
    };
    const { send, stored } = setUp(record, {});

    expect((await send()).outcome).toBe('delivered');
    expect(stored().notification?.status).toBe('DELIVERED');
    expect(stored().stuck).toBeUndefined();
  });

  it('comments on the Jira issue of a Jira request', async () => {
    const base = readySlackRecord();
    const record: RequestRecord = {
      ...base,
      requester: { source: 'jira', identity: '712020:abc', context: { issueKey: 'OPS-1042' } },
    };
    const comments: Completion[] = [];
    const jira: TicketCommenter = {
      notify: async (completion) => {
        comments.push(completion);
        return { ok: true, status: 201, durationMs: 4 };
      },
      rejectTicket: async () => ({ ok: true, durationMs: 0 }),
    };
    const store = new InMemoryStore();
    store.records.set(record.requestId, record);

    const outcome = await sendNotification(
      { requestId: record.requestId, type: 'replica.ready', webhookId: record.notification?.webhookId ?? '' },
      {
        store,
        webhooks: new ScriptedTarget([]),
        sourceNotifiers: { jira },
        clock: { now: () => new Date(READY_AT) },
        callbackRules: CALLBACK_RULES,
        retryWindowMs: 60_000,
      },
    );

    expect(outcome.outcome).toBe('delivered');
    expect(comments[0]?.requester.context?.issueKey).toBe('OPS-1042');
    expect(store.records.get(record.requestId)?.notification?.deliveredTargets).toEqual(['jira']);
  });
});
