import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followRequest } from '#local/cli/api-client.ts';
import { requestIdFor } from '#shared/domain/idempotency.ts';
import { policyFixturePath } from '#test/fixtures/policies.ts';
import { eventually } from '#test/support/eventually.ts';
import { type JiraStub, startJiraStub } from '#test/support/jira-stub.ts';
import { type StackFixture, startStackFixture } from '#test/support/local-stack-fixture.ts';
import { jiraSignatureHeader, jiraWebhook } from '#test/support/signed-sources.ts';

const WEBHOOK_SECRET = 'e2e-jira-approval-secret-91c3e7';
const JIRA_SCOPE = 'jira:acme-platform.atlassian.net';
/** The sample ticket's reporter (the requester) and the user who moves it (someone else). */
const REPORTER = '712020:1f4d6c1e-8e0a-4f6a-9d0e-3a9b2c7d5e11';
const LEAD = '5b10ac8d82e05b22cc7d4ef5';
/** Someone else, in no approver group. */
const BYSTANDER = '5b10ac8d82e05b22cc7d4e99';

type Hook = ReturnType<typeof jiraWebhook>;

/**
 * Approval by Jira transition through the whole local stack (test/fixtures/policies/approval.yaml,
 * `jiraApprovalStatus: Spend Approved`, `jiraGroups: [db-owners]`): a ticket moved into the trigger
 * status `Approved` becomes a request whose plan (CNY 248.20 a month, above 200) waits; the ticket is
 * told what waits and its price; moving it into `Spend Approved` by a member of db-owners (read from
 * the Jira stub's `GET /rest/api/3/user/groups`) other than its reporter approves it
 * (events/jira/issue-updated-approved.json, with the move's target and mover changed).
 */
describe('Jira approval by transition, end to end through the local stack', () => {
  let fixture: StackFixture;
  let jira: JiraStub;

  const deliver = (hook: unknown) => {
    const body = JSON.stringify(hook);
    return fetch(new URL('/v1/tickets/jira', fixture.stack.ingressUrl), {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'x-atlassian-webhook-identifier': randomUUID(),
        ...jiraSignatureHeader(WEBHOOK_SECRET, body),
      },
      body,
    });
  };
  /** The sample move into `to` by `user`, on ticket `key`. */
  const moved = (key: string, to: string, user: string): Hook => {
    const hook = jiraWebhook('issue-updated-approved.json');
    hook.issue.key = key;
    (hook.user as { accountId: string }).accountId = user;
    const changelog = hook.changelog as { items: { toString: string }[] };
    changelog.items = changelog.items.map((item) => ({ ...item, toString: to }));
    return hook;
  };

  beforeAll(async () => {
    jira = await startJiraStub();
    jira.setGroups(LEAD, [{ name: 'db-owners', groupId: '276f955c-63d7-42c8-9520-92d01dca0625' }]);
    jira.setGroups(REPORTER, [{ name: 'db-owners' }]);
    jira.setGroups(BYSTANDER, [{ name: 'jira-software-users' }]);
    fixture = await startStackFixture({
      policyFile: policyFixturePath('approval.yaml'),
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

  it("comments what waits and its price, refuses the reporter's own move and a non-member's, decides nothing while Jira's groups cannot be read, and approves on a db-owner's move into Spend Approved", async () => {
    const key = `OPS-${randomInt(2000, 99_999)}`;
    const requestId = requestIdFor(JIRA_SCOPE, `jira:${key}`);

    expect((await deliver(moved(key, 'Approved', LEAD))).status).toBe(202);
    await eventually(
      `${requestId} awaiting approval`,
      () => fixture.stack.dependencies.store.get(requestId),
      (record) => record?.state === 'AWAITING_APPROVAL',
    );
    const comment = await jira.waitFor(
      key,
      (candidate) => candidate.body.includes('awaiting approval'),
      10_000,
    );
    expect(comment.body).toContain('* Price:');
    expect(comment.body).toContain('* Needs approval: the plan costs CNY 248.20 a month, above CNY 200.00');

    const own = await deliver(moved(key, 'Spend Approved', REPORTER));
    expect(await own.json()).toMatchObject({
      requestId,
      approval: 'refused',
      reason: expect.stringContaining('four eyes'),
    });
    const elsewhere = await deliver(moved(key, 'In Progress', LEAD));
    expect(await elsewhere.json()).toMatchObject({ requestId, approval: 'refused' });
    const bystander = await deliver(moved(key, 'Spend Approved', BYSTANDER));
    expect(await bystander.json()).toMatchObject({
      requestId,
      approval: 'refused',
      reason: expect.stringContaining('in none of approval.approvers.jiraGroups'),
    });
    jira.failNextLookups(1, 503);
    const unreadable = await deliver(moved(key, 'Spend Approved', LEAD));
    expect(unreadable.status).toBe(503);
    expect(await unreadable.json()).toMatchObject({ requestId, approval: 'unverified' });
    expect((await fixture.stack.dependencies.store.get(requestId))?.state).toBe('AWAITING_APPROVAL');

    const approved = await deliver(moved(key, 'Spend Approved', LEAD));
    expect(await approved.json()).toMatchObject({ requestId, approval: 'decided', state: 'VALIDATED' });
    const view = await followRequest(fixture.api, requestId, { timeoutMs: 30_000, intervalMs: 200 });
    expect(view.state).toBe('READY');
    expect(view.history.find((entry) => entry.state === 'VALIDATED')?.note).toBe(
      `approved by jira:${LEAD}: ticket moved to Spend Approved`,
    );
  });
});
