import { describe, expect, it } from 'vitest';
import type { CallbackUrlRules } from '#shared/domain/callback-url.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import { TERMINAL_STATES } from '#shared/domain/request-state.ts';
import type { Completion, SourceNotifier } from '#shared/ports/source-notifier.ts';
import type { WebhookMessage, WebhookSender } from '#shared/ports/webhook-sender.ts';
import { targetsOf, webhookRefusal } from '#shared/use-cases/notification-targets.ts';
import { sendNotification } from '#shared/use-cases/send-notification.ts';
import { FIXTURE_TIME, notification, requestRecord } from '#test/fixtures/request-records.ts';
import { InMemoryStore } from '#test/support/in-memory-store.ts';

const LOCAL: CallbackUrlRules = { localMode: true, allowedHosts: [] };
const CLOUD: CallbackUrlRules = { localMode: false, allowedHosts: ['hooks.example.com'] };

/** Callback URLs that break the rules of `LOCAL` and of `CLOUD` alike. */
const REFUSED_URLS = [
  'http://169.254.169.254/latest/meta-data',
  'http://0.0.0.0:4000/hook',
  'http://[::ffff:127.0.0.1]:4000/hook',
  'http://localhost.:4000/hook',
  'https://evil.example.org/x',
  'https://hooks.example.com:22/x',
  'https://user:pw@hooks.example.com/x',
];

const terminalRecord = (
  state: RequestRecord['state'],
  url: string,
  from: 'api' | 'slack' = 'api',
): RequestRecord => {
  const base = requestRecord({ createdAt: FIXTURE_TIME });
  return {
    ...base,
    state,
    request: { ...base.request, callback: { url } },
    requester: from === 'api' ? { source: 'api', identity: 'test' } : base.requester,
    notification: notification('ENQUEUED', { type: 'replica.rejected' }),
  };
};

/** A webhook sender and a Slack notifier that accept everything and remember what they were given. */
const recordingTargets = () => {
  const webhooks: WebhookMessage[] = [];
  const completions: Completion[] = [];
  const sender: WebhookSender = {
    send: async (message) => {
      webhooks.push(message);
      return { ok: true, status: 204, durationMs: 1 };
    },
  };
  const slack: SourceNotifier = {
    notify: async (completion) => {
      completions.push(completion);
      return { ok: true, status: 200, durationMs: 1 };
    },
  };
  return { webhooks, completions, sender, slack };
};

const notify = async (record: RequestRecord, rules: CallbackUrlRules) => {
  const store = new InMemoryStore();
  store.records.set(record.requestId, record);
  const targets = recordingTargets();
  const { outcome } = await sendNotification(
    {
      requestId: record.requestId,
      type: 'replica.rejected',
      webhookId: record.notification?.webhookId ?? '',
    },
    {
      store,
      webhooks: targets.sender,
      sourceNotifiers: { slack: targets.slack },
      clock: { now: () => new Date(FIXTURE_TIME) },
      callbackRules: rules,
      retryWindowMs: 3_600_000,
    },
  );
  return { ...targets, outcome, stored: store.records.get(record.requestId) as RequestRecord };
};

describe('the webhook target of a notification', () => {
  describe.each([
    ['local mode', LOCAL],
    ['cloud', CLOUD],
  ])('in %s', (_, rules) => {
    it.each(REFUSED_URLS)(
      'never posts to the refused callback URL %s, in any terminal state',
      async (url) => {
        for (const state of TERMINAL_STATES) {
          const { outcome, webhooks, stored } = await notify(terminalRecord(state, url), rules);

          expect({ state, outcome, webhooks }).toEqual({ state, outcome: 'delivered', webhooks: [] });
          expect(stored.notification?.status).toBe('DELIVERED');
          expect(stored.notification?.attempts).toEqual([]);
        }
      },
    );
  });

  it('the issue #12 reproduction: a REJECTED request never posts its replica.rejected body to the metadata address', async () => {
    const record = terminalRecord('REJECTED', 'http://169.254.169.254/latest/meta-data');

    const { outcome, webhooks } = await notify(record, LOCAL);

    expect(outcome).toBe('delivered');
    expect(webhooks).toHaveLength(0);
  });

  it('still tells the source a request came from when its callback URL is refused', async () => {
    const record = terminalRecord('REJECTED', 'http://169.254.169.254/latest/meta-data', 'slack');

    const { outcome, webhooks, completions, stored } = await notify(record, CLOUD);

    expect(outcome).toBe('delivered');
    expect(webhooks).toHaveLength(0);
    expect(completions).toHaveLength(1);
    expect(stored.notification?.deliveredTargets).toEqual(['slack']);
    expect(stored.notification?.attempts.map((attempt) => attempt.target)).toEqual(['slack']);
  });

  it.each([
    ['local mode', LOCAL, 'http://127.0.0.1:4000/hook'],
    ['cloud', CLOUD, 'https://hooks.example.com/replicas'],
  ])('in %s, posts to a callback URL that keeps the rules', async (_, rules, url) => {
    const { outcome, webhooks } = await notify(terminalRecord('READY', url), rules);

    expect(outcome).toBe('delivered');
    expect(webhooks.map((message) => message.url)).toEqual([url]);
  });

  it('names why a callback URL is no target', () => {
    const refused = terminalRecord('REJECTED', 'http://169.254.169.254/latest/meta-data');
    const base = requestRecord();
    const { callback: _, ...withoutCallback } = base.request;

    expect(webhookRefusal(refused, CLOUD)).toBe('callback URL must use https');
    expect(webhookRefusal({ ...base, request: withoutCallback }, CLOUD)).toBe(
      'the request has no callback URL',
    );
    expect(webhookRefusal(terminalRecord('READY', 'https://hooks.example.com/x'), CLOUD)).toBeUndefined();
    expect(targetsOf(refused, CLOUD)).toEqual([]);
  });

  it.each([
    ['AWAITING_APPROVAL', 'replica.awaiting_approval'],
    ['VALIDATED', 'replica.approved'],
    ['REJECTED', 'replica.denied'],
    ['EXPIRED', 'replica.expired'],
    ['READY', 'replica.ready'],
    ['FAILED', 'replica.failed'],
  ] as const)(
    'tells the approvals channel recorded on the approval in %s (%s), for a request not made in Slack',
    (state, type) => {
      const base = terminalRecord(state, 'https://hooks.example.com/x');
      const approval = {
        reasons: [{ condition: 'always' as const, message: 'the policy asks approval for every request' }],
        requester: base.requester,
        requestedAt: FIXTURE_TIME,
        expiresAt: FIXTURE_TIME,
      };
      const announced = {
        ...base,
        approval: { ...approval, announceIn: { slackChannel: 'C0APPROVALS' } },
        notification: notification('ENQUEUED', { type }),
      };

      expect(targetsOf(announced, CLOUD)).toEqual(['webhook', 'slack']);
      expect(targetsOf({ ...announced, approval }, CLOUD)).toEqual(['webhook']);
    },
  );

  it('tells Slack once for a Slack request, whatever its approval records', () => {
    const base = terminalRecord('AWAITING_APPROVAL', 'https://hooks.example.com/x', 'slack');
    const record = {
      ...base,
      approval: {
        reasons: [],
        requester: base.requester,
        requestedAt: FIXTURE_TIME,
        expiresAt: FIXTURE_TIME,
        announceIn: { slackChannel: 'C0APPROVALS' },
      },
    };

    expect(targetsOf(record, CLOUD)).toEqual(['webhook', 'slack']);
  });
});
