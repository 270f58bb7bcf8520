import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { requestIdFor } from '#shared/domain/idempotency.ts';
import { loadPolicy } from '#shared/domain/policy-loader.ts';
import { HttpError } from '#shared/http/http-error.ts';
import { jiraRoute } from '#shared/ingress/jira/jira-route.ts';
import { slackRoute } from '#shared/ingress/slack/slack-route.ts';
import type { MessageQueue } from '#shared/ports/message-queue.ts';
import type { TicketCommenter } from '#shared/ports/source-notifier.ts';
import { policyFixturePath } from '#test/fixtures/policies.ts';
import { captureLogs } from '#test/support/alert-harness.ts';
import { InMemoryStore } from '#test/support/in-memory-store.ts';
import {
  jiraSignatureHeader,
  jiraWebhook,
  sampleEventText,
  slackSignatureHeaders,
} from '#test/support/signed-sources.ts';

const SLACK_SECRET = 'route-test-slack-signing-secret-91';
const JIRA_SECRET = 'route-test-jira-webhook-secret-47';
const JIRA_TOKEN = 'ATATT-route-test-token-must-not-be-logged';
const SIGNED_AT = 1_795_917_600;
/** The idempotency scope of the sample tickets' site (their `issue.self` host). */
const JIRA_SCOPE = 'jira:acme-platform.atlassian.net';

const httpEvent = (path: string, body: string, headers: Record<string, string>): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey: `POST ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers,
    body,
    isBase64Encoded: false,
    requestContext: { http: { method: 'POST', path } },
  }) as unknown as APIGatewayProxyEventV2;

const statusOf = async (answer: Promise<{ statusCode?: number }>): Promise<number | undefined> => {
  try {
    return (await answer).statusCode;
  } catch (error) {
    if (error instanceof HttpError) return error.statusCode;
    throw error;
  }
};

const ports = (seconds: { now: number }) => {
  const store = new InMemoryStore();
  const sent: unknown[] = [];
  const queue = {
    send: async (_queue: string, body: unknown) => {
      sent.push(body);
    },
  } as unknown as MessageQueue;
  return {
    store,
    sent,
    deps: {
      store,
      queue,
      clock: { now: () => new Date(seconds.now * 1000) },
      policy: loadPolicy(policyFixturePath('chatops.yaml')),
    },
  };
};

describe('slackRoute', () => {
  const body = sampleEventText('slack', 'slash-command-add.form');
  const signed = httpEvent('/v1/chatops/slack', body, {
    'content-type': 'application/x-www-form-urlencoded',
    ...slackSignatureHeaders(SLACK_SECRET, body, SIGNED_AT),
  });
  const requestId = requestIdFor(
    'slack:T0RFTEAM1',
    'slack:T0RFTEAM1:6873425167904.5712338462.5d7f3b1e9a0c4c8e2f6b1a9d3c7e5f01',
  );

  it('takes a signed command once, replays it inside the window, and refuses the same bytes after it', async () => {
    const clock = { now: SIGNED_AT + 1 };
    const { store, sent, deps } = ports(clock);
    const route = slackRoute({ ...deps, slack: { signingSecret: SLACK_SECRET, replayWindowSeconds: 300 } });

    const first = await route(signed);
    clock.now = SIGNED_AT + 299;
    const replay = await route(signed);
    clock.now = SIGNED_AT + 301;
    const late = await statusOf(route(signed));

    expect(first.statusCode).toBe(200);
    expect(JSON.parse(first.body ?? '')).toMatchObject({ response_type: 'ephemeral' });
    expect(JSON.parse(replay.body ?? '').text).toContain(`\`${requestId}\``);
    expect(JSON.parse(replay.body ?? '').text).toContain('already received');
    expect(late).toBe(401);
    expect([...store.records.keys()]).toEqual([requestId]);
    expect(sent).toEqual([{ requestId }, { requestId }]);
  });

  it('answers 401 when no signing secret is configured, whatever the request carries', async () => {
    const { deps } = ports({ now: SIGNED_AT });

    expect(await statusOf(slackRoute(deps)(signed))).toBe(401);
  });

  it('never logs the signing secret, the signature or the command text', async () => {
    const clock = { now: SIGNED_AT };
    const { deps } = ports(clock);
    const route = slackRoute({ ...deps, slack: { signingSecret: SLACK_SECRET, replayWindowSeconds: 300 } });
    const forged = { ...signed, headers: { ...signed.headers, 'x-slack-signature': `v0=${'1'.repeat(64)}` } };

    const logs = await captureLogs(async () => {
      await route(signed);
      await statusOf(route(forged));
      clock.now += 400;
      await statusOf(route(signed));
    });

    expect(logs).toContain('signature mismatch');
    expect(logs).toContain('timestamp outside the replay window');
    for (const secret of [
      SLACK_SECRET,
      signed.headers['x-slack-signature'] ?? '',
      'spec%3Dpg.it.small2',
      'spec=pg.it.small2',
    ]) {
      expect(logs).not.toContain(secret);
    }
  });
});

describe('jiraRoute', () => {
  const settings = {
    webhookSecret: JIRA_SECRET,
    projects: ['OPS'],
    issueTypes: [],
    triggerStatus: 'Approved',
    fieldMap: { MasterDBInstanceId: 'customfield_10050' } as const,
  };

  const delivery = (change: (hook: ReturnType<typeof jiraWebhook>) => void = () => undefined) => {
    const hook = jiraWebhook('issue-updated-approved.json');
    change(hook);
    const body = JSON.stringify(hook);
    return httpEvent('/v1/tickets/jira', body, {
      'content-type': 'application/json',
      'x-atlassian-webhook-identifier': 'b7f0c2a4-5e1d-4c39-9d2f-0a6b8e3c1f75',
      ...jiraSignatureHeader(JIRA_SECRET, body),
    });
  };

  it('answers a repeated delivery identifier from memory, without a second store write', async () => {
    const { store, sent, deps } = ports({ now: SIGNED_AT });
    const route = jiraRoute({ ...deps, jira: settings });

    const first = await route(delivery());
    const repeat = await route(delivery());

    expect(first.statusCode).toBe(202);
    expect(JSON.parse(repeat.body ?? '')).toMatchObject({
      requestId: requestIdFor(JIRA_SCOPE, 'jira:OPS-1042'),
      repeatedDelivery: true,
    });
    expect(store.records.size).toBe(1);
    expect(sent).toHaveLength(1);
  });

  it('tells an unreadable ticket what to fix, and logs neither the secret, the token nor the description', async () => {
    const { deps } = ports({ now: SIGNED_AT });
    const told: { issueKey: string; fields: string[] }[] = [];
    const jira: TicketCommenter = {
      notify: async () => ({ ok: true, durationMs: 0 }),
      rejectTicket: async (issueKey, problems) => {
        told.push({ issueKey, fields: problems.map((problem) => problem.field) });
        return { ok: true, status: 201, durationMs: 1 };
      },
    };
    const route = jiraRoute({ ...deps, jira: settings, sourceNotifiers: { jira } });
    const unreadable = delivery((hook) => {
      hook.issue.fields.customfield_10050 = null;
      hook.issue.fields.description = `storage: 100\ntoken: ${JIRA_TOKEN}`;
    });

    let status: number | undefined;
    const logs = await captureLogs(async () => {
      status = await statusOf(route(unreadable));
      await statusOf(
        route({ ...unreadable, headers: { ...unreadable.headers, 'x-hub-signature': 'sha256=00' } }),
      );
    });

    expect(status).toBe(400);
    expect(told).toEqual([{ issueKey: 'OPS-1042', fields: ['MasterDBInstanceId'] }]);
    expect(logs).toContain('malformed signature');
    for (const secret of [
      JIRA_SECRET,
      JIRA_TOKEN,
      'storage: 100',
      unreadable.headers['x-hub-signature'] ?? '',
    ]) {
      expect(logs).not.toContain(secret);
    }
  });
});
