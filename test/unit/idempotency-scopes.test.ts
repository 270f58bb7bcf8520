import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { SEED_EXAMPLE_REQUEST } from '#local/cli/demo-command.ts';
import { legacyRequestIdFor, payloadHash, requestIdFor } from '#shared/domain/idempotency.ts';
import { idempotencyScopeOf, ownsLegacyRecord } from '#shared/domain/idempotency-scope.ts';
import { loadPolicy } from '#shared/domain/policy-loader.ts';
import type { Requester } from '#shared/domain/replica-request.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import type { RequestState } from '#shared/domain/request-state.ts';
import { parseStoredRequest } from '#shared/domain/stored-request.ts';
import { ValidationError } from '#shared/errors.ts';
import { jiraRoute } from '#shared/ingress/jira/jira-route.ts';
import { slackRoute } from '#shared/ingress/slack/slack-route.ts';
import { policyFixturePath } from '#test/fixtures/policies.ts';
import { apiHarness } from '#test/support/api-harness.ts';
import { httpEvent } from '#test/support/http-event.ts';
import {
  jiraSignatureHeader,
  jiraWebhook,
  sampleEventText,
  slackSignatureHeaders,
} from '#test/support/signed-sources.ts';

const BILLING = 'billing-key-0123456789';
const ORDERS = 'orders-key-01234567890';
const KEYS = `billing:${BILLING},orders:${ORDERS}`;
const SIGNED_AT = 1_795_917_600;
const SLACK_SECRET = 'scope-test-slack-signing-secret-1';
const JIRA_SECRET = 'scope-test-jira-webhook-secret-22';
const JIRA_SETTINGS = {
  webhookSecret: JIRA_SECRET,
  projects: ['OPS'],
  issueTypes: [],
  triggerStatus: 'Approved',
  fieldMap: { MasterDBInstanceId: 'customfield_10050' } as const,
};

const harness = () => apiHarness(KEYS, new Date((SIGNED_AT + 1) * 1000));

/** The sample ticket OPS-1042 moved to Approved, signed as Jira signs it. */
const jiraDelivery = (): APIGatewayProxyEventV2 => {
  const body = JSON.stringify(jiraWebhook('issue-updated-approved.json'));
  return httpEvent({ path: '/v1/tickets/jira', body, headers: jiraSignatureHeader(JIRA_SECRET, body) });
};

/** The sample `/replica add`, signed as Slack signs it. */
const slackCommand = (): APIGatewayProxyEventV2 => {
  const body = sampleEventText('slack', 'slash-command-add.form');
  return httpEvent({
    path: '/v1/chatops/slack',
    body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...slackSignatureHeaders(SLACK_SECRET, body, SIGNED_AT),
    },
  });
};
const SLACK_KEY = 'slack:T0RFTEAM1:6873425167904.5712338462.5d7f3b1e9a0c4c8e2f6b1a9d3c7e5f01';

/** A record as replica-flow wrote it before scopes: keyed by the idempotency key alone. */
const legacyRecord = (key: string, requester: Requester, state: RequestState): RequestRecord => {
  const request = parseStoredRequest({ ...SEED_EXAMPLE_REQUEST, idempotencyKey: key, requester });
  const at = '2026-11-28T12:00:00.000Z';
  return {
    requestId: legacyRequestIdFor(key),
    idempotencyKey: key,
    payloadHash: payloadHash(request),
    state,
    version: 3,
    request,
    requester,
    createdAt: at,
    updatedAt: at,
    history: [{ state: 'RECEIVED', at }],
  };
};

describe('idempotency keys are scoped to the caller that sent them', () => {
  it('gives two API keys using the same Idempotency-Key two distinct requests', async () => {
    const api = harness();

    const billing = await api.post(BILLING, 'nightly-report-replica');
    const orders = await api.post(ORDERS, 'nightly-report-replica');

    expect(billing).toMatchObject({ status: 202, body: { replayed: false } });
    expect(orders).toMatchObject({ status: 202, body: { replayed: false } });
    expect(orders.body.requestId).not.toBe(billing.body.requestId);
    expect(billing.body.requestId).toBe(requestIdFor('api:billing', 'nightly-report-replica'));
    expect(orders.body.requestId).toBe(requestIdFor('api:orders', 'nightly-report-replica'));
    expect(api.store.records.size).toBe(2);
  });

  it('still replays, and still refuses another payload, within one API key', async () => {
    const api = harness();

    const first = await api.post(BILLING, 'k-1');
    const again = await api.post(BILLING, 'k-1');
    const changed = await api.post(BILLING, 'k-1', { ...SEED_EXAMPLE_REQUEST, Storage: 200 });

    expect(again).toMatchObject({ status: 202, body: { requestId: first.body.requestId, replayed: true } });
    expect(changed).toMatchObject({ status: 422, body: { error: { code: 'IDEMPOTENCY_KEY_REUSED' } } });
  });

  it('never lets an API call claim the key a Jira ticket derives: the ticket still gets its own request', async () => {
    const api = harness();
    const route = jiraRoute({ ...api.deps, jira: JIRA_SETTINGS });

    const claim = await api.post(BILLING, 'jira:OPS-1042');
    const ticket = await route(jiraDelivery());
    const answer = JSON.parse(ticket.body ?? '{}');

    expect(claim.status).toBe(202);
    expect(ticket.statusCode).toBe(202);
    expect(answer).toEqual({ requestId: expect.any(String), state: 'RECEIVED', replayed: false });
    expect(answer.requestId).not.toBe(claim.body.requestId);
    expect(api.store.records.get(answer.requestId)?.requester).toMatchObject({
      source: 'jira',
      context: { issueKey: 'OPS-1042', site: 'acme-platform.atlassian.net' },
    });
  });

  it('never lets an API call claim the key a Slack command derives: the command still gets its own request', async () => {
    const api = harness();
    const route = slackRoute({
      ...api.deps,
      policy: loadPolicy(policyFixturePath('chatops.yaml')),
      slack: { signingSecret: SLACK_SECRET, replayWindowSeconds: 300 },
    });

    const claim = await api.post(ORDERS, SLACK_KEY);
    const command = await route(slackCommand());
    const slackId = requestIdFor('slack:T0RFTEAM1', SLACK_KEY);

    expect(claim.status).toBe(202);
    expect(JSON.parse(command.body ?? '{}').text).toContain(`\`${slackId}\``);
    expect(JSON.parse(command.body ?? '{}').text).not.toContain('already received');
    expect(api.store.records.get(slackId)?.requester.source).toBe('slack');
    expect(api.store.records.size).toBe(2);
  });
});

describe('records written before scopes (keyed by the idempotency key alone)', () => {
  const billingRequester: Requester = { source: 'api', identity: 'billing' };

  it('answer a replay of their key by the same API key with that request, creating nothing', async () => {
    const api = harness();
    const legacy = legacyRecord('billing-ro-1', billingRequester, 'PROVISIONING');
    await api.store.putNew(legacy);

    const replay = await api.post(BILLING, 'billing-ro-1');

    expect(replay).toMatchObject({
      status: 202,
      body: { requestId: legacy.requestId, state: 'PROVISIONING', replayed: true },
    });
    expect([...api.store.records.keys()]).toEqual([legacy.requestId]);
    expect(api.sent).toEqual([]);
  });

  it('queue their request again when it is still RECEIVED, as any replay does', async () => {
    const api = harness();
    const legacy = legacyRecord('billing-ro-2', billingRequester, 'RECEIVED');
    await api.store.putNew(legacy);

    await api.post(BILLING, 'billing-ro-2');

    expect(api.sent).toEqual([{ requestId: legacy.requestId }]);
    expect(api.store.records.size).toBe(1);
  });

  it('refuse their key reused by the same API key with another payload (422)', async () => {
    const api = harness();
    await api.store.putNew(legacyRecord('billing-ro-3', billingRequester, 'READY'));

    const changed = await api.post(BILLING, 'billing-ro-3', { ...SEED_EXAMPLE_REQUEST, Storage: 200 });

    expect(changed).toMatchObject({ status: 422, body: { error: { code: 'IDEMPOTENCY_KEY_REUSED' } } });
    expect(api.store.records.size).toBe(1);
  });

  it("never answer for another caller: another API key's use of the key is a new request of its own", async () => {
    const api = harness();
    const legacy = legacyRecord('billing-ro-4', billingRequester, 'READY');
    await api.store.putNew(legacy);

    const other = await api.post(ORDERS, 'billing-ro-4');

    expect(other).toMatchObject({
      status: 202,
      body: { requestId: requestIdFor('api:orders', 'billing-ro-4'), replayed: false },
    });
    expect(api.store.records.size).toBe(2);
  });

  it('answer a Jira ticket replayed after the upgrade as its duplicate, never a second request', async () => {
    const api = harness();
    const route = jiraRoute({ ...api.deps, jira: JIRA_SETTINGS });
    const jiraRequester: Requester = {
      source: 'jira',
      identity: '5b10ac8d82e05b22cc7d4ef5',
      context: { issueKey: 'OPS-1042', issueId: '10847', project: 'OPS' },
    };
    const legacy = legacyRecord('jira:OPS-1042', jiraRequester, 'PROVISIONING');
    await api.store.putNew(legacy);

    const ticket = await route(jiraDelivery());

    expect(ticket.statusCode).toBe(200);
    expect(JSON.parse(ticket.body ?? '{}')).toMatchObject({ requestId: legacy.requestId, replayed: true });
    expect(api.store.records.size).toBe(1);
  });

  it('stay readable by id: the API key that made one reads it, another submitter gets 404', async () => {
    const api = harness();
    const legacy = legacyRecord('billing-ro-5', billingRequester, 'READY');
    await api.store.putNew(legacy);

    const own = await api.get(BILLING, legacy.requestId);
    const other = await api.get(ORDERS, legacy.requestId);

    expect(own).toMatchObject({ status: 200, body: { requestId: legacy.requestId, state: 'READY' } });
    expect(other.status).toBe(404);
  });
});

describe('idempotencyScopeOf', () => {
  it.each([
    [{ source: 'api', identity: 'billing' }, 'api:billing'],
    [{ source: 'slack', identity: 'U1', context: { team: 'T0RFTEAM1' } }, 'slack:T0RFTEAM1'],
    [
      { source: 'jira', identity: 'acc-1', context: { site: 'acme.atlassian.net' } },
      'jira:acme.atlassian.net',
    ],
    [{ source: 'jira', identity: 'acc-1', context: {} }, 'jira:default'],
    [{ source: 'alertmanager', identity: 'PostgresHighCpu' }, 'alertmanager'],
    [{ source: 'tencent-monitor', identity: 'cpu' }, 'tencent-monitor'],
    [{ source: 'cloudwatch', identity: 'alarm' }, 'cloudwatch'],
    [{ source: 'grafana', identity: 'rule' }, 'grafana'],
  ] as const)('scopes %o as %s', (requester, scope) => {
    expect(idempotencyScopeOf(requester)).toBe(scope);
  });

  it('refuses a Slack requester without a team, or a scope part with a line feed, naming the field', () => {
    expect(() => idempotencyScopeOf({ source: 'slack', identity: 'U1' })).toThrow(
      expect.objectContaining({ issues: [expect.objectContaining({ field: 'requester.context.team' })] }),
    );
    expect(() => idempotencyScopeOf({ source: 'api', identity: 'a\nb' })).toThrow(ValidationError);
  });
});

describe('ownsLegacyRecord', () => {
  it.each([
    ['api:billing', { source: 'api', identity: 'billing' }, true],
    ['api:orders', { source: 'api', identity: 'billing' }, false],
    ['api:billing', { source: 'jira', identity: 'acc-1', context: {} }, false],
    ['slack:T1', { source: 'slack', identity: 'U1', context: { team: 'T1' } }, true],
    ['slack:T2', { source: 'slack', identity: 'U1', context: { team: 'T1' } }, false],
    ['jira:acme.atlassian.net', { source: 'jira', identity: 'acc-1', context: { issueKey: 'OPS-1' } }, true],
    ['jira:acme.atlassian.net', { source: 'jira', identity: 'acc-1', context: { site: 'other.net' } }, false],
    ['alertmanager', { source: 'alertmanager', identity: 'HighCpu' }, true],
    ['grafana', { source: 'alertmanager', identity: 'HighCpu' }, false],
  ] as const)('in scope %s, a record made by %o is its own: %s', (scope, requester, owned) => {
    expect(ownsLegacyRecord(scope, requester)).toBe(owned);
  });
});
