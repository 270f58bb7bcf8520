import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followRequest } from '#local/cli/api-client.ts';
import { SEED_EXAMPLE_REQUEST } from '#local/cli/demo-command.ts';
import { REQUEST_TAG_KEY, requestIdFor } from '#shared/domain/idempotency.ts';
import { type JiraStub, startJiraStub } from '#test/support/jira-stub.ts';
import { type StackFixture, startStackFixture } from '#test/support/local-stack-fixture.ts';
import { jiraSignatureHeader, jiraWebhook } from '#test/support/signed-sources.ts';

const WEBHOOK_SECRET = 'e2e-jira-webhook-secret-4be2a9';
/** The idempotency scope of the sample tickets' site (their `issue.self` host). */
const JIRA_SCOPE = 'jira:acme-platform.atlassian.net';

type Hook = ReturnType<typeof jiraWebhook>;

/** A sample webhook for a ticket of its own (a fresh issue key), changed as the test needs. */
const ticket = (file: string, change: (hook: Hook) => void = () => undefined): Hook => {
  const hook = jiraWebhook(file);
  const number = randomInt(2000, 99_999);
  hook.issue.key = `OPS-${number}`;
  hook.issue.id = String(20_000 + number);
  change(hook);
  return hook;
};

const withDescription = (description: string) => (hook: Hook) => {
  hook.issue.fields.description = description;
};

describe('Jira tickets, end to end through the local stack', () => {
  let fixture: StackFixture;
  let jira: JiraStub;

  /** Delivers a webhook as Jira does: compact JSON, signed, with a delivery identifier. */
  const deliver = (hook: unknown, options: { identifier?: string; secret?: string | null } = {}) => {
    const body = JSON.stringify(hook);
    return fetch(new URL('/v1/tickets/jira', fixture.stack.ingressUrl), {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'Atlassian Webhook HTTP Client',
        'x-atlassian-webhook-identifier': options.identifier ?? randomUUID(),
        'x-atlassian-webhook-flow': 'Primary',
        ...(options.secret === null ? {} : jiraSignatureHeader(options.secret ?? WEBHOOK_SECRET, body)),
      },
      body,
    });
  };

  const replicasTagged = (requestId: string) =>
    (fixture.stack.emulator?.instances() ?? []).filter((instance) =>
      instance.tags.some((tag) => tag.TagKey === REQUEST_TAG_KEY && tag.TagValue === requestId),
    );

  beforeAll(async () => {
    jira = await startJiraStub();
    fixture = await startStackFixture({
      jira: {
        webhookSecret: WEBHOOK_SECRET,
        projects: ['OPS'],
        issueTypes: ['Task'],
        triggerStatus: 'Approved',
        fieldMap: { MasterDBInstanceId: 'customfield_10050', SpecCode: 'customfield_10051' },
        baseUrl: jira.baseUrl,
        email: jira.email,
        apiToken: jira.apiToken,
      },
    });
  });
  afterAll(async () => {
    await fixture?.close();
    await jira?.close();
  });

  it('ignores a ticket created as To Do, makes the replica when it moves into Approved, and comments it on the issue', async () => {
    const created = ticket('issue-created.json');
    const approved = ticket('issue-updated-approved.json', (hook) => {
      hook.issue.key = created.issue.key;
      hook.issue.id = created.issue.id;
    });
    const issueKey = created.issue.key;
    const requestId = requestIdFor(JIRA_SCOPE, `jira:${issueKey}`);

    const ignored = await deliver(created);
    const accepted = await deliver(approved);
    const view = await followRequest(fixture.api, requestId, { timeoutMs: 30_000, intervalMs: 200 });
    const comment = await jira.waitFor(issueKey, (candidate) => candidate.body.includes(requestId), 5000);

    expect(ignored.status).toBe(200);
    expect(await ignored.json()).toEqual({ ignored: true, reason: 'created in status To Do, not Approved' });
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toEqual({ requestId, state: 'RECEIVED', replayed: false });
    expect(view.state).toBe('READY');
    expect(view.requester).toEqual({
      source: 'jira',
      identity: '712020:1f4d6c1e-8e0a-4f6a-9d0e-3a9b2c7d5e11',
      displayName: 'Mei Lin',
      context: { issueKey, issueId: created.issue.id, project: 'OPS', site: 'acme-platform.atlassian.net' },
    });
    expect(view.plan).toMatchObject({
      MasterDBInstanceId: 'postgres-abcdef',
      SpecCode: 'pg.it.small2',
      Storage: 100,
    });
    const [instance] = view.instances as { instanceId: string; privateIp: string; port: number }[];
    expect(comment.body).toMatch(/^\(\/\) \*Read replica ready\* for primary \{\{postgres-abcdef\}\}/);
    expect(comment.body).toContain(
      `{{${instance?.instanceId}}} at {{${instance?.privateIp}:${instance?.port}}}`,
    );
    expect(comment.body).toMatch(/Elapsed: \d+s/);
    expect(view.notification).toMatchObject({
      status: 'DELIVERED',
      attempts: [expect.objectContaining({ target: 'jira', ok: true, status: 201 })],
    });
  });

  it('gives a ticket its own request and replica even when an API call used its key first', async () => {
    const approved = ticket('issue-updated-approved.json');
    const key = `jira:${approved.issue.key}`;
    const claim = await fixture.post(
      '/v1/replica-requests',
      JSON.stringify({ ...SEED_EXAMPLE_REQUEST, dryRun: true }),
      {
        'idempotency-key': key,
      },
    );
    const claimed = (await claim.json()) as { requestId: string };

    const accepted = await deliver(approved);
    const answer = (await accepted.json()) as { requestId: string };

    expect(claim.status).toBe(202);
    expect(accepted.status).toBe(202);
    expect(answer).toMatchObject({ state: 'RECEIVED', replayed: false });
    expect(answer.requestId).not.toBe(claimed.requestId);
    const view = await followRequest(fixture.api, answer.requestId, { timeoutMs: 30_000, intervalMs: 200 });
    // The ticket's first request, under its own key (not a `#2` revision around the API caller's).
    expect(view).toMatchObject({ idempotencyKey: key, state: 'READY', requester: { source: 'jira' } });
    expect(answer.requestId).toBe(requestIdFor(JIRA_SCOPE, key));
    expect(replicasTagged(answer.requestId)).toHaveLength(1);
  });

  it('makes one replica for a ticket however often Jira delivers it: retries, new events, an edited copy', async () => {
    const approved = ticket('issue-updated-approved.json');
    const requestId = requestIdFor(JIRA_SCOPE, `jira:${approved.issue.key}`);
    const identifier = randomUUID();

    const first = await deliver(approved, { identifier });
    const retried = await deliver(approved, { identifier });
    const again = await deliver(approved);
    await followRequest(fixture.api, requestId, { timeoutMs: 30_000, intervalMs: 200 });
    const edited = await deliver({
      ...approved,
      issue: { ...approved.issue, fields: { ...approved.issue.fields, description: 'storage: 300' } },
    });

    expect(first.status).toBe(202);
    expect(await retried.json()).toMatchObject({ requestId, repeatedDelivery: true });
    expect(await again.json()).toMatchObject({ requestId, replayed: true });
    expect(edited.status).toBe(200);
    expect(await edited.json()).toMatchObject({ requestId, state: 'READY', duplicate: true });
    expect(replicasTagged(requestId)).toHaveLength(1);
    expect(jira.comments.filter((comment) => comment.body.includes(requestId))).toHaveLength(1);
  });

  it('refuses a wrong or missing signature with 401 and records nothing', async () => {
    const approved = ticket('issue-updated-approved.json');

    const answers = await Promise.all([
      deliver(approved, { secret: 'not-the-webhook-secret-0000' }),
      deliver(approved, { secret: null }),
    ]);

    for (const response of answers) {
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        error: { code: 'UNAUTHORIZED', message: 'Missing or invalid credentials' },
      });
    }
    expect(
      await fixture.stack.dependencies.store.get(requestIdFor(JIRA_SCOPE, `jira:${approved.issue.key}`)),
    ).toBeUndefined();
  });

  it('answers 400 naming the field for a ticket without a primary, and tells the ticket so', async () => {
    const approved = ticket('issue-updated-approved.json', (hook) => {
      hook.issue.fields.customfield_10050 = null;
    });

    const response = await deliver(approved);
    const comment = await jira.waitFor(approved.issue.key, () => true, 5000);

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: {
        code: 'BAD_REQUEST',
        issues: [{ field: 'MasterDBInstanceId', message: expect.stringContaining('set customfield_10050') }],
      },
    });
    expect(comment.body).toContain('could not read this ticket');
    expect(comment.body).toContain('{{MasterDBInstanceId}}');
    expect(
      await fixture.stack.dependencies.store.get(requestIdFor(JIRA_SCOPE, `jira:${approved.issue.key}`)),
    ).toBeUndefined();
  });

  it('comments a policy rejection, and takes the corrected ticket when it is moved into Approved again', async () => {
    const rejected = ticket(
      'issue-updated-approved.json',
      withDescription('primary: postgres-abcdef\nstorage: 5000'),
    );
    const corrected = {
      ...rejected,
      issue: { ...rejected.issue, fields: { ...rejected.issue.fields, description: 'storage: 100' } },
    };
    const issueKey = rejected.issue.key;

    await deliver(rejected);
    const first = await followRequest(fixture.api, requestIdFor(JIRA_SCOPE, `jira:${issueKey}`), {
      timeoutMs: 30_000,
      intervalMs: 200,
    });
    const rejection = await jira.waitFor(issueKey, (comment) => comment.body.includes('rejected'), 5000);
    const retry = await deliver(corrected);
    const retryAnswer = (await retry.json()) as { requestId: string };
    const second = await followRequest(fixture.api, retryAnswer.requestId, {
      timeoutMs: 30_000,
      intervalMs: 200,
    });
    const ready = await jira.waitFor(
      issueKey,
      (comment) => comment.body.includes('Read replica ready'),
      5000,
    );

    expect(first.state).toBe('REJECTED');
    expect(rejection.body).toContain("Storage 5000 GB is above the policy's maximum of 2000 GB");
    expect(retry.status).toBe(202);
    expect(retryAnswer.requestId).toBe(requestIdFor(JIRA_SCOPE, `jira:${issueKey}#2`));
    expect(second.state).toBe('READY');
    expect(ready.body).toContain(retryAnswer.requestId);
  });

  it('acknowledges events and tickets it does not act on with 200, and bad payloads with 400 or 415; never 500', async () => {
    const comment = ticket('comment-created.json');
    const otherProject = ticket('issue-updated-approved.json', (hook) => {
      (hook.issue.fields.project as { key: string }).key = 'HR';
    });
    const badKey = ticket('issue-updated-approved.json', (hook) => {
      hook.issue.key = 'not a key';
    });
    const notJson = 'webhookEvent=jira:issue_updated';

    const answers = await Promise.all([deliver(comment), deliver(otherProject), deliver(badKey)]);
    const textBody = await fetch(new URL('/v1/tickets/jira', fixture.stack.ingressUrl), {
      method: 'POST',
      headers: { 'content-type': 'text/plain', ...jiraSignatureHeader(WEBHOOK_SECRET, notJson) },
      body: notJson,
    });

    expect(answers.map((response) => response.status)).toEqual([200, 200, 400]);
    expect(await answers[0]?.json()).toMatchObject({
      ignored: true,
      reason: 'event comment_created does not make requests',
    });
    expect(await answers[1]?.json()).toMatchObject({ ignored: true, reason: 'project HR is not configured' });
    expect(await answers[2]?.json()).toMatchObject({
      error: { issues: [{ field: 'issue.key', message: 'must be an issue key like OPS-123' }] },
    });
    expect(textBody.status).toBe(415);
  });
});
