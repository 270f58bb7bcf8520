import { describe, expect, it } from 'vitest';
import { ingestDependencies } from '#functions/ingest.deps.ts';
import { defaultSettings } from '#shared/config/dependencies.ts';
import type { PortBuilders } from '#shared/config/ports.ts';
import { readRuntimeEnvironment } from '#shared/config/runtime-config.ts';
import { sourceDependenciesFrom } from '#shared/config/source-dependencies.ts';
import { requestIdFor } from '#shared/domain/idempotency.ts';
import { idempotencyScopeOf } from '#shared/domain/idempotency-scope.ts';
import { parsePolicy } from '#shared/domain/policy-loader.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import { ConfigError } from '#shared/errors.ts';
import { approveByTransition } from '#shared/ingress/jira/jira-approval.ts';
import { jiraIdempotencyKey, jiraRequester } from '#shared/ingress/jira/jira-replica-request.ts';
import { jiraRoute } from '#shared/ingress/jira/jira-route.ts';
import { type JiraWebhook, parseJiraWebhook } from '#shared/ingress/jira/jira-webhook-payload.ts';
import type { JiraDirectory, JiraGroup } from '#shared/ports/jira-directory.ts';
import { approvalPolicy, awaitingRecord, waitingApproval } from '#test/support/approval-harness.ts';
import { corePorts } from '#test/support/core-harness.ts';
import { httpEvent } from '#test/support/http-event.ts';
import { jiraSignatureHeader, jiraWebhook } from '#test/support/signed-sources.ts';

/** The sample ticket's reporter (the requester) and the user who moves it. */
const REPORTER = '712020:1f4d6c1e-8e0a-4f6a-9d0e-3a9b2c7d5e11';
const LEAD = '5b10ac8d82e05b22cc7d4ef5';
const DB_OWNERS: JiraGroup = { name: 'db-owners', groupId: '276f955c-63d7-42c8-9520-92d01dca0625' };

const policyWith = (approvers: string) => approvalPolicy(3600, approvers);

const BY_GROUP_INTO_STATUS = policyWith('{ jiraGroups: [db-owners], jiraApprovalStatus: Spend Approved }');

/** The sample move (events/jira/issue-updated-approved.json) into `to`, by `user`. */
const moveHook = (to: string, user = LEAD) => {
  const hook = jiraWebhook('issue-updated-approved.json');
  (hook.user as { accountId: string }).accountId = user;
  const changelog = hook.changelog as { items: { toString: string }[] };
  changelog.items = changelog.items.map((item) => ({ ...item, toString: to }));
  return hook;
};
const moved = (to: string, user = LEAD): JiraWebhook => parseJiraWebhook(moveHook(to, user));

/** Jira's directory in memory: each account's groups; an account not listed cannot be read. */
const inMemoryDirectory = (memberships: Record<string, readonly JiraGroup[]>) => {
  const asked: string[] = [];
  const directory: JiraDirectory = {
    groupsOf: async (accountId) => {
      asked.push(accountId);
      const groups = memberships[accountId];
      return groups
        ? { ok: true, groups }
        : { ok: false, status: 503, error: `Jira's groups of ${accountId} could not be read: HTTP 503` };
    },
  };
  return { directory, asked };
};

/** The sample ticket's request, waiting for approval, as the Jira ingress keyed it. */
const setUp = async (
  policy = BY_GROUP_INTO_STATUS,
  memberships: Record<string, readonly JiraGroup[]> = { [LEAD]: [DB_OWNERS], [REPORTER]: [DB_OWNERS] },
) => {
  const ports = corePorts();
  const sample = moved('Spend Approved');
  if (!sample.issue) throw new Error('the sample has an issue');
  const requester = jiraRequester(sample, sample.issue);
  const requestId = requestIdFor(idempotencyScopeOf(requester), jiraIdempotencyKey(sample.issue));
  await ports.store.putNew(
    awaitingRecord({ requestId, requester, approval: waitingApproval({ requester }) }),
  );
  const { directory, asked } = inMemoryDirectory(memberships);
  const deps = { ...ports, policy, provisioningTimeoutMs: 30 * 60_000, directory };
  const stored = async () => (await ports.store.get(requestId)) as RequestRecord;
  return { ...ports, deps, requestId, asked, stored };
};

describe('approveByTransition with approval.approvers.jiraGroups', () => {
  it("approves a member's move into the approval status: the groups read once, the create queued", async () => {
    const { deps, asked, stored, queue, requestId } = await setUp();

    const answer = await approveByTransition(moved('Spend Approved'), deps);

    expect(answer).toMatchObject({ handled: true, requestId, outcome: { kind: 'decided' } });
    expect(asked).toEqual([LEAD]);
    expect((await stored()).state).toBe('VALIDATED');
    expect(queue.bodiesTo('create')).toEqual([{ requestId }]);
  });

  it('refuses a mover in none of the groups, and the request keeps waiting', async () => {
    const { deps, stored, queue } = await setUp(BY_GROUP_INTO_STATUS, { [LEAD]: [{ name: 'jira-users' }] });

    const answer = await approveByTransition(moved('Spend Approved'), deps);

    expect(answer).toMatchObject({
      handled: true,
      outcome: {
        kind: 'refused',
        reason: `Jira account ${LEAD} is in none of approval.approvers.jiraGroups (db-owners)`,
      },
    });
    expect((await stored()).state).toBe('AWAITING_APPROVAL');
    expect(queue.bodiesTo('create')).toEqual([]);
  });

  it('never approves when the groups cannot be read: nothing decided, the reason given', async () => {
    const { deps, stored, queue } = await setUp(BY_GROUP_INTO_STATUS, {});

    const answer = await approveByTransition(moved('Spend Approved'), deps);

    expect(answer).toMatchObject({
      handled: true,
      outcome: { kind: 'unverified', reason: `Jira's groups of ${LEAD} could not be read: HTTP 503` },
    });
    const record = await stored();
    expect(record.state).toBe('AWAITING_APPROVAL');
    expect(record.approval?.decision).toBeUndefined();
    expect(queue.bodiesTo('create')).toEqual([]);
  });

  it('never approves without a directory to read the groups from, naming JIRA_BASE_URL and JIRA_API_TOKEN', async () => {
    const { deps, stored } = await setUp();
    const { directory: _none, ...withoutDirectory } = deps;

    const answer = await approveByTransition(moved('Spend Approved'), withoutDirectory);

    expect(answer).toMatchObject({
      outcome: { kind: 'unverified', reason: expect.stringContaining('JIRA_BASE_URL and JIRA_API_TOKEN') },
    });
    expect((await stored()).state).toBe('AWAITING_APPROVAL');
  });

  it('never lets the reporter approve their own request, though they are in the group (four eyes)', async () => {
    const { deps, stored, queue } = await setUp();

    const answer = await approveByTransition(moved('Spend Approved', REPORTER), deps);

    expect(answer).toMatchObject({
      outcome: { kind: 'refused', reason: expect.stringContaining('four eyes') },
    });
    expect((await stored()).state).toBe('AWAITING_APPROVAL');
    expect(queue.bodiesTo('create')).toEqual([]);
  });

  it("never takes a member's move into another status as an approval, and asks Jira nothing for it", async () => {
    const { deps, asked, stored } = await setUp();

    const answer = await approveByTransition(moved("Won't Do"), deps);

    expect(answer).toMatchObject({ outcome: { kind: 'refused' } });
    expect(asked).toEqual([]);
    expect((await stored()).state).toBe('AWAITING_APPROVAL');
  });

  it('asks Jira nothing where the approving transition alone decides (no jiraGroups)', async () => {
    const { deps, asked, stored } = await setUp(policyWith('{ jiraApprovalStatus: Spend Approved }'), {});

    const answer = await approveByTransition(moved('Spend Approved'), deps);

    expect(answer).toMatchObject({ outcome: { kind: 'decided' } });
    expect(asked).toEqual([]);
    expect((await stored()).state).toBe('VALIDATED');
  });

  it("matches a policy group by its groupId, which survives the group's renaming", async () => {
    const { deps, stored } = await setUp(policyWith(`{ jiraGroups: ['${DB_OWNERS.groupId}'] }`), {
      [LEAD]: [{ name: 'database-owners', groupId: DB_OWNERS.groupId }],
    });

    await approveByTransition(moved('In Review'), deps);

    expect((await stored()).state).toBe('VALIDATED');
  });
});

describe('jiraRoute, when the approver groups cannot be read', () => {
  const SECRET = 'group-test-jira-webhook-secret-1';

  it('answers 503 naming why, so Jira delivers the move again, and decides on the redelivery', async () => {
    const { deps, stored } = await setUp(BY_GROUP_INTO_STATUS, {});
    let groups: readonly JiraGroup[] | undefined;
    const directory: JiraDirectory = {
      groupsOf: async () =>
        groups ? { ok: true, groups } : { ok: false, status: 503, error: 'HTTP 503: Service unavailable' },
    };
    const route = jiraRoute({
      ...deps,
      approvals: deps,
      jira: { webhookSecret: SECRET, projects: ['OPS'], issueTypes: [], fieldMap: {}, directory },
    });
    const body = JSON.stringify(moveHook('Spend Approved'));
    const delivery = () =>
      httpEvent({
        path: '/v1/tickets/jira',
        body,
        headers: { ...jiraSignatureHeader(SECRET, body), 'x-atlassian-webhook-identifier': 'delivery-1' },
      });

    const first = await route(delivery());
    groups = [DB_OWNERS];
    const again = await route(delivery());

    expect(first.statusCode).toBe(503);
    expect(JSON.parse(first.body ?? '{}')).toMatchObject({
      approval: 'unverified',
      reason: 'HTTP 503: Service unavailable',
    });
    expect(again.statusCode).toBe(200);
    expect(JSON.parse(again.body ?? '{}')).toMatchObject({ approval: 'decided', state: 'VALIDATED' });
    expect((await stored()).state).toBe('VALIDATED');
  });
});

describe('the Jira directory in the ingest wiring', () => {
  const JIRA = {
    JIRA_WEBHOOK_SECRET: 'jira-webhook-secret-0123456789',
    JIRA_PROJECTS: 'OPS',
  };
  const TOKEN = {
    JIRA_BASE_URL: 'https://acme.atlassian.net',
    JIRA_EMAIL: 'rf@acme.example',
    JIRA_API_TOKEN: 't',
  };
  const sources = (env: Record<string, string>) =>
    sourceDependenciesFrom(readRuntimeEnvironment(env), { timeoutMs: 1000 });
  const ingest = (env: Record<string, string>, policy = BY_GROUP_INTO_STATUS) => {
    const { sourceNotifiers, ...settings } = sources(env);
    const { store, queue, clock } = corePorts();
    const ports: PortBuilders = {
      settings: defaultSettings(),
      clock,
      store: () => store,
      queue: () => queue,
      apiKeys: () => [],
      deadLetters: () => ({}),
      telemetry: () => ({}),
      ingress: () => settings,
      sourceNotifiers: () => sourceNotifiers,
    };
    return ingestDependencies(ports, policy);
  };

  it('gives the Jira ingress a directory where JIRA_BASE_URL and JIRA_API_TOKEN are set, and none without the token', () => {
    expect(sources({ ...JIRA, ...TOKEN }).jira?.directory).toBeDefined();
    expect(sources({ ...JIRA, JIRA_BASE_URL: TOKEN.JIRA_BASE_URL }).jira?.directory).toBeUndefined();
  });

  it('fails the cold start, naming JIRA_BASE_URL and JIRA_API_TOKEN, when the policy names jiraGroups and Jira cannot be read', () => {
    const start = () => ingest(JIRA);

    expect(start).toThrow(ConfigError);
    expect(start).toThrow(/approval\.approvers\.jiraGroups.*JIRA_BASE_URL and JIRA_API_TOKEN/);
  });

  it("checks a primary's own approval section too", () => {
    const perPrimary = parsePolicy(
      `version: 1
regions: [ap-beijing]
specs: [pg.it.small2]
limits: { maxStorage: 500, maxInstanceCount: 2, maxReplicasPerPrimary: 3 }
primaries:
  postgres-abcdef:
    approval: { when: [always], approvers: { jiraGroups: [db-owners] } }
`,
      'yaml',
    );
    expect(() => ingest(JIRA, perPrimary)).toThrow(ConfigError);
  });

  it('starts with the token, with a policy that names no jiraGroups, or without the Jira ingress', () => {
    expect(ingest({ ...JIRA, ...TOKEN }).jira?.directory).toBeDefined();
    expect(ingest(JIRA, policyWith('{ jiraApprovalStatus: Spend Approved }')).jira).toBeDefined();
    expect(ingest({}).jira).toBeUndefined();
  });
});
