import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSlackNotifier } from '#shared/adapters/slack/slack-notifier.ts';
import type { Policy } from '#shared/domain/policy.ts';
import { parsePolicy } from '#shared/domain/policy-loader.ts';
import type { Requester } from '#shared/domain/replica-request.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import { decideApproval } from '#shared/use-cases/decide-approval.ts';
import type { NotifyMessage } from '#shared/use-cases/queue-messages.ts';
import { sendNotification } from '#shared/use-cases/send-notification.ts';
import { validateRequest } from '#shared/use-cases/validate-request.ts';
import { requestRecord } from '#test/fixtures/request-records.ts';
import { corePorts } from '#test/support/core-harness.ts';
import type { ScriptedTencent } from '#test/support/scripted-tencent.ts';
import { type SlackStub, type SlackStubMessage, startSlackStub } from '#test/support/slack-stub.ts';

const APPROVALS = 'C0APPROVALS';
const APPROVER = 'U0BOSS';
const SLACK_REQUESTER: Requester = {
  source: 'slack',
  identity: 'U012ABCDEF',
  context: { channel: 'C0123456', team: 'T0001' },
};
const API_REQUESTER: Requester = { source: 'api', identity: 'ci-pipeline' };
const JIRA_REQUESTER: Requester = {
  source: 'jira',
  identity: 'acct-557058',
  displayName: 'Mei Lin',
  context: { issueKey: 'OPS-7' },
};

/** Every request for the fixture primary waits for a second person; `channel` is the approvals channel. */
const approvalPolicy = (channel?: string): Policy =>
  parsePolicy(
    `version: 1
regions: [ap-beijing]
specs: [pg.it.small2]
limits: { maxStorage: 500, maxInstanceCount: 2, maxReplicasPerPrimary: 3 }
primaries:
  postgres-abcdef: {}
approval:
  when: [always]
  approvers:
    slackUsers: [${APPROVER}]
${channel ? `    slackChannel: ${channel}\n` : ''}    apiKeys: true
`,
    'yaml',
  );

/** The pre-checks of the fixture plan (seed example 1) all pass, and Tencent prices it. */
const sellingTencent = (tencent: ScriptedTencent) =>
  tencent
    .otherwise('describeDBInstanceAttribute', {
      ok: {
        DBInstance: {
          DBInstanceId: 'postgres-abcdef',
          DBInstanceType: 'primary',
          DBInstanceStatus: 'running',
          Zone: 'ap-beijing-4',
          VpcId: 'vpc-8btfafeo',
          PayType: 'postpaid',
          DBMajorVersion: '12',
          ReadOnlyInstanceNum: 0,
        },
      },
    })
    .otherwise('describeZones', { ok: { ZoneSet: [{ Zone: 'ap-beijing-4', ZoneState: 'AVAILABLE' }] } })
    .otherwise('describeClasses', {
      ok: { ClassInfoSet: [{ SpecCode: 'pg.it.small2', MinStorage: 10, MaxStorage: 1000 }] },
    })
    .otherwise('inquiryPriceCreateDBInstances', { ok: { OriginalPrice: 34, Price: 34, Currency: 'CNY' } });

const hasButtons = (message: SlackStubMessage | undefined): boolean =>
  (message?.blocks ?? []).some((block) => (block as { type?: string }).type === 'actions');

/**
 * The approvals channel (issue #15): a request not made in Slack that waits for approval is announced
 * in `approval.approvers.slackChannel`, with the Approve / Deny buttons, through the same outbox,
 * delivery records and retries as every other target. Core ports in memory; Slack is the stub on
 * 127.0.0.1, posted to by the production notifier.
 */
describe('the approvals channel for requests not made in Slack', () => {
  let slack: SlackStub;
  beforeAll(async () => {
    slack = await startSlackStub();
  });
  afterAll(async () => slack?.close());
  beforeEach(() => {
    slack.messages.length = 0;
  });

  const setUp = (policy: Policy) => {
    const ports = corePorts();
    sellingTencent(ports.tencent);
    const callbackRules = { localMode: true, allowedHosts: [] };
    const notifier = createSlackNotifier({ botToken: slack.botToken, apiUrl: slack.apiUrl });
    let sent = 0;
    const deps = { ...ports, policy, callbackRules, provisioningTimeoutMs: 3_600_000 };
    /** Runs every notify message queued since the last call (each once: all targets accept). */
    const notify = async () => {
      const messages = ports.queue.bodiesTo('notify').slice(sent) as NotifyMessage[];
      sent += messages.length;
      for (const message of messages) {
        await sendNotification(message, {
          store: ports.store,
          webhooks: { send: async () => ({ ok: true, status: 200, durationMs: 0 }) },
          sourceNotifiers: { slack: notifier },
          clock: ports.clock,
          callbackRules,
          retryWindowMs: 3_600_000,
        });
      }
      return messages.length;
    };
    /** A request from `requester` through validate, and its announcement through notify. */
    const waitingFrom = async (requester: Requester): Promise<RequestRecord> => {
      const received = requestRecord();
      const record = { ...received, requester, request: { ...received.request, requester } };
      await ports.store.putNew(record);
      expect(await validateRequest(record.requestId, { ...deps, markers: ports.store })).toBe(
        'awaiting-approval',
      );
      expect(await notify()).toBe(1);
      return ports.store.records.get(record.requestId) as RequestRecord;
    };
    return { ports, deps, notify, waitingFrom };
  };

  it('announces an API request that waits for approval in the approvals channel, with Approve / Deny, and records the channel on its approval', async () => {
    const { waitingFrom } = setUp(approvalPolicy(APPROVALS));

    const waiting = await waitingFrom(API_REQUESTER);

    expect(waiting.approval?.announceIn).toEqual({ slackChannel: APPROVALS });
    expect(slack.messages).toHaveLength(1);
    const [message] = slack.messages;
    expect(message).toMatchObject({ via: 'chat.postMessage', channel: APPROVALS });
    expect(message?.text).toContain('awaits approval (asked by api:ci-pipeline)');
    expect(message?.text).toContain(waiting.requestId);
    expect(message?.blocks).toContainEqual(
      expect.objectContaining({
        type: 'actions',
        elements: [
          expect.objectContaining({ action_id: 'replica-approve', value: waiting.requestId }),
          expect.objectContaining({ action_id: 'replica-deny', value: waiting.requestId }),
        ],
      }),
    );
    expect(waiting.notification).toMatchObject({
      status: 'DELIVERED',
      deliveredTargets: ['slack'],
      attempts: [expect.objectContaining({ target: 'slack', ok: true })],
    });
  });

  it('announces a Jira request both on its ticket and in the approvals channel', async () => {
    const { waitingFrom } = setUp(approvalPolicy(APPROVALS));

    const waiting = await waitingFrom(JIRA_REQUESTER);

    expect(waiting.approval?.announceIn).toEqual({ slackChannel: APPROVALS });
    expect(slack.messages.map((message) => message.channel)).toEqual([APPROVALS]);
    expect(slack.messages[0]?.text).toContain('(asked by jira:Mei Lin on OPS-7)');
    // No Jira commenter in this set-up: its target is retried, Slack's accepted is never posted again.
    expect(waiting.notification?.deliveredTargets).toEqual(['slack']);
    expect(waiting.notification?.attempts.map((attempt) => attempt.target).sort()).toEqual(['jira', 'slack']);
  });

  it('still posts a Slack request to its own channel only, whatever approvals channel the policy names', async () => {
    const { waitingFrom } = setUp(approvalPolicy(APPROVALS));

    const waiting = await waitingFrom(SLACK_REQUESTER);

    expect(waiting.approval?.announceIn).toBeUndefined();
    expect(slack.messages.map((message) => message.channel)).toEqual(['C0123456']);
    expect(hasButtons(slack.messages[0])).toBe(true);
  });

  it('changes nothing without an approvals channel: an API request waits with no Slack post', async () => {
    const { waitingFrom } = setUp(approvalPolicy());

    const waiting = await waitingFrom(API_REQUESTER);

    expect(waiting.state).toBe('AWAITING_APPROVAL');
    expect(waiting.approval).not.toHaveProperty('announceIn');
    expect(slack.messages).toEqual([]);
    expect(waiting.notification?.attempts).toEqual([]);
  });

  it("lets a listed Slack approver decide an API request, and announces the decision where the request was announced, even after the policy's channel changed", async () => {
    const { ports, deps, notify, waitingFrom } = setUp(approvalPolicy(APPROVALS));
    const waiting = await waitingFrom(API_REQUESTER);

    const moved = { ...deps, policy: approvalPolicy('C0ELSEWHERE') };
    const outcome = await decideApproval(moved, {
      requestId: waiting.requestId,
      decision: 'approve',
      approver: { source: 'slack', id: APPROVER },
    });
    await notify();

    expect(outcome.kind).toBe('decided');
    expect(ports.queue.bodiesTo('create')).toEqual([{ requestId: waiting.requestId }]);
    expect(slack.messages.map((message) => message.channel)).toEqual([APPROVALS, APPROVALS]);
    expect(slack.messages[1]?.text).toContain(`*Approved* by <@${APPROVER}>`);
    expect(hasButtons(slack.messages[1])).toBe(false);
  });

  it('refuses a Slack user who is not a listed approver, and decides nothing', async () => {
    const { ports, deps, waitingFrom } = setUp(approvalPolicy(APPROVALS));
    const waiting = await waitingFrom(API_REQUESTER);

    const outcome = await decideApproval(deps, {
      requestId: waiting.requestId,
      decision: 'approve',
      approver: { source: 'slack', id: 'U0MALLORY' },
    });

    expect(outcome).toEqual({
      kind: 'refused',
      reason: 'Slack user U0MALLORY is not in approval.approvers.slackUsers',
    });
    expect(ports.store.records.get(waiting.requestId)?.state).toBe('AWAITING_APPROVAL');
    expect(ports.queue.bodiesTo('create')).toEqual([]);
  });
});
