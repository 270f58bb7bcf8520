import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJiraCommenter } from '#shared/adapters/jira/jira-commenter.ts';
import { createSlackNotifier } from '#shared/adapters/slack/slack-notifier.ts';
import type { Completion } from '#shared/ports/source-notifier.ts';
import { type JiraStub, startJiraStub } from '#test/support/jira-stub.ts';
import { type SlackStub, startSlackStub } from '#test/support/slack-stub.ts';

const ready: Completion = {
  type: 'replica.ready',
  requestId: 'r-82d076763736c6b4',
  state: 'READY',
  requester: {
    source: 'slack',
    identity: 'U0SRE0001',
    context: { channel: 'C0DBOPS01', issueKey: 'OPS-1042' },
  },
  primary: 'postgres-abcdef',
  region: 'ap-beijing',
  zone: 'ap-beijing-4',
  instances: [{ instanceId: 'pgro-7kq2m9xa', status: 'running', privateIp: '10.0.4.17', port: 5432 }],
  elapsedSeconds: 452,
  violations: [],
};

const failed: Completion = {
  ...ready,
  type: 'replica.failed',
  state: 'FAILED',
  instances: [],
  failure: { code: 'FailedOperation.CreateOrderFailed', message: 'Order <#42> failed & was refunded' },
};

describe('createSlackNotifier against a Slack stub', () => {
  let stub: SlackStub;
  beforeAll(async () => {
    stub = await startSlackStub();
  });
  afterAll(async () => stub?.close());

  it('posts with chat.postMessage to the request channel: primary, replica id, address:port, elapsed, asker', async () => {
    const notifier = createSlackNotifier({ botToken: stub.botToken, apiUrl: stub.apiUrl });

    expect(await notifier.notify(ready)).toMatchObject({ ok: true, status: 200 });
    const message = stub.messages.at(-1);
    expect(message).toMatchObject({ via: 'chat.postMessage', channel: 'C0DBOPS01' });
    for (const part of [
      'postgres-abcdef',
      'pgro-7kq2m9xa',
      '10.0.4.17:5432',
      '7m 32s',
      '<@U0SRE0001>',
      'r-82d076763736c6b4',
    ]) {
      expect(message?.text).toContain(part);
    }
    expect(message?.blocks.length).toBeGreaterThan(0);
  });

  it('escapes text from outside (a Tencent error message) so it cannot ping or link', async () => {
    const notifier = createSlackNotifier({ botToken: stub.botToken, apiUrl: stub.apiUrl });

    await notifier.notify(failed);
    expect(stub.messages.at(-1)?.text).toContain('Order &lt;#42&gt; failed &amp; was refunded');
  });

  it('posts to an incoming webhook when there is no bot token', async () => {
    const notifier = createSlackNotifier({ webhookUrl: stub.webhookUrl });

    expect(await notifier.notify(ready)).toMatchObject({ ok: true });
    expect(stub.messages.at(-1)?.via).toBe('incoming-webhook');
  });

  it("turns Slack's {ok:false}, a 5xx and an unreachable host into failed results, never exposing the token or URL", async () => {
    const notifier = createSlackNotifier({ botToken: stub.botToken, apiUrl: stub.apiUrl });
    stub.failNext(1, { error: 'ratelimited' });
    const refusedByApi = await notifier.notify(ready);
    stub.failNext(1, { status: 500 });
    const serverError = await notifier.notify(ready);
    const badToken = await createSlackNotifier({ botToken: 'xoxb-0-wrong', apiUrl: stub.apiUrl }).notify(
      ready,
    );
    const unreachable = await createSlackNotifier({
      webhookUrl: 'http://127.0.0.1:1/services/T0/B0/secret-path',
      timeoutMs: 2000,
    }).notify(ready);

    expect(refusedByApi).toMatchObject({ ok: false, status: 200, error: 'Slack error: ratelimited' });
    expect(serverError).toMatchObject({ ok: false, status: 500 });
    expect(badToken).toMatchObject({ ok: false, error: 'Slack error: invalid_auth' });
    expect(unreachable.ok).toBe(false);
    for (const result of [refusedByApi, serverError, badToken, unreachable]) {
      expect(JSON.stringify(result)).not.toContain(stub.botToken);
      expect(JSON.stringify(result)).not.toContain('secret-path');
    }
  });

  it('fails a request that records no channel without calling Slack', async () => {
    const notifier = createSlackNotifier({ botToken: stub.botToken, apiUrl: stub.apiUrl });
    const before = stub.messages.length;

    const result = await notifier.notify({ ...ready, requester: { source: 'slack', identity: 'U0SRE0001' } });

    expect(result).toMatchObject({ ok: false, error: expect.stringContaining('no Slack channel') });
    expect(stub.messages).toHaveLength(before);
  });

  /** An API request waiting for approval, announced in the approvals channel recorded on it. */
  const announced: Completion = {
    ...ready,
    type: 'replica.awaiting_approval',
    state: 'AWAITING_APPROVAL',
    instances: [],
    requester: { source: 'api', identity: 'ci-pipeline', context: { channel: 'C0NOTTHIS' } },
    approval: {
      reasons: [{ condition: 'always', message: 'the policy asks approval for every request' }],
      requester: { source: 'api', identity: 'ci-pipeline' },
      requestedAt: '2026-11-29T10:00:00.000Z',
      expiresAt: '2026-11-30T10:00:00.000Z',
      announceIn: { slackChannel: 'C0APPROVALS' },
    },
  };

  it('posts a request not made in Slack to the approvals channel recorded on its approval, with the buttons', async () => {
    const notifier = createSlackNotifier({ botToken: stub.botToken, apiUrl: stub.apiUrl });

    expect(await notifier.notify(announced)).toMatchObject({ ok: true, status: 200 });
    const message = stub.messages.at(-1);
    expect(message).toMatchObject({ via: 'chat.postMessage', channel: 'C0APPROVALS' });
    expect(message?.blocks).toContainEqual(expect.objectContaining({ type: 'actions' }));
  });

  it("posts a Slack request to the requester's own channel, never to an approvals channel", async () => {
    const notifier = createSlackNotifier({ botToken: stub.botToken, apiUrl: stub.apiUrl });

    await notifier.notify({ ...announced, requester: ready.requester });
    expect(stub.messages.at(-1)?.channel).toBe('C0DBOPS01');
  });

  it('refuses to post a request not made in Slack through an incoming webhook, which has a channel of its own', async () => {
    const notifier = createSlackNotifier({ webhookUrl: stub.webhookUrl });
    const before = stub.messages.length;

    const result = await notifier.notify(announced);

    expect(result).toMatchObject({ ok: false, error: expect.stringContaining('needs SLACK_BOT_TOKEN') });
    expect(stub.messages).toHaveLength(before);
  });
});

describe('createJiraCommenter against a Jira stub', () => {
  let stub: JiraStub;
  beforeAll(async () => {
    stub = await startJiraStub();
  });
  afterAll(async () => stub?.close());

  const commenter = () =>
    createJiraCommenter({ baseUrl: stub.baseUrl, email: stub.email, apiToken: stub.apiToken });

  it('comments on the issue with Basic email:token: primary, replica id, address:port, elapsed', async () => {
    expect(await commenter().notify(ready)).toMatchObject({ ok: true, status: 201 });
    const comment = stub.comments.at(-1);
    expect(comment?.issueKey).toBe('OPS-1042');
    expect(comment?.body).toMatch(/^\(\/\) \*Read replica ready\* for primary \{\{postgres-abcdef\}\}/);
    for (const part of ['{{pgro-7kq2m9xa}}', '{{10.0.4.17:5432}}', 'Elapsed: 7m 32s', 'r-82d076763736c6b4']) {
      expect(comment?.body).toContain(part);
    }
  });

  it('comments a failure with its code and message, escaping wiki markup', async () => {
    await commenter().notify({
      ...failed,
      failure: { code: 'InternalError', message: 'see [link|http://x] {code}' },
    });

    expect(stub.comments.at(-1)?.body).toContain('{{InternalError}}: see \\[link\\|http://x\\] \\{code\\}');
  });

  it("turns Jira's errors into failed results naming Jira's message, never the token", async () => {
    stub.failNext(1, 503);
    const unavailable = await commenter().notify(ready);
    const wrongToken = await createJiraCommenter({
      baseUrl: stub.baseUrl,
      email: stub.email,
      apiToken: 'nope',
    }).notify(ready);

    expect(unavailable).toMatchObject({ ok: false, status: 503, error: 'HTTP 503: Service unavailable' });
    expect(wrongToken).toMatchObject({
      ok: false,
      status: 401,
      error: 'HTTP 401: You are not authenticated.',
    });
    expect(JSON.stringify([unavailable, wrongToken])).not.toContain(stub.apiToken);
  });

  it('tells a ticket it could not be read, naming each field', async () => {
    const result = await commenter().rejectTicket('OPS-7', [
      { field: 'MasterDBInstanceId', message: 'required: set customfield_10050' },
    ]);

    expect(result.ok).toBe(true);
    expect(stub.comments.at(-1)).toMatchObject({
      issueKey: 'OPS-7',
      body: expect.stringContaining('* {{MasterDBInstanceId}}: required: set customfield_10050'),
    });
  });
});
