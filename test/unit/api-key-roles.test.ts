import { describe, expect, it } from 'vitest';
import { SEED_EXAMPLE_REQUEST } from '#local/cli/demo-command.ts';
import { requestIdFor } from '#shared/domain/idempotency.ts';
import { parseStoredRequest } from '#shared/domain/stored-request.ts';
import { submitRequest } from '#shared/use-cases/submit-request.ts';
import { apiHarness } from '#test/support/api-harness.ts';

const BILLING = 'billing-key-0123456789';
const ORDERS = 'orders-key-01234567890';
const CLERK = 'clerk-key-012345678901';
const AUDIT = 'audit-key-012345678901';
const LEAD = 'lead-key-0123456789012';
const OPS = 'ops-key-01234567890123';
const KEYS = [
  // The name:key form, as deployments have it today: submitters.
  `billing:${BILLING}`,
  `orders:${ORDERS}`,
  `clerk:${CLERK}:submitter`,
  `audit:${AUDIT}:reader`,
  `lead:${LEAD}:approver`,
  `ops:${OPS}:admin`,
].join(',');

/** A harness with one request made by `billing`, one by `orders` and one from Slack. */
const withRequests = async () => {
  const api = apiHarness(KEYS);
  const billing = String((await api.post(BILLING, 'billing-1')).body.requestId);
  const orders = String((await api.post(ORDERS, 'orders-1')).body.requestId);
  const slackRequest = parseStoredRequest({
    ...SEED_EXAMPLE_REQUEST,
    idempotencyKey: 'slack:T0001:1.2.3',
    requester: { source: 'slack', identity: 'U0001', context: { team: 'T0001', channel: 'C0001' } },
  });
  const slack = (await submitRequest(slackRequest, api.deps)).record.requestId;
  return { api, billing, orders, slack };
};

const notFound = (requestId: string) => ({
  status: 404,
  body: { error: { code: 'NOT_FOUND', message: `No replica request ${requestId}` } },
});

describe('GET /v1/replica-requests/{id} by role', () => {
  it('shows a name:key entry (a submitter) only the requests its key name made', async () => {
    const { api, billing, orders, slack } = await withRequests();

    expect((await api.get(BILLING, billing)).status).toBe(200);
    expect((await api.get(ORDERS, orders)).status).toBe(200);
    expect(await api.get(BILLING, orders)).toEqual(notFound(orders));
    expect(await api.get(ORDERS, billing)).toEqual(notFound(billing));
    expect(await api.get(BILLING, slack)).toEqual(notFound(slack));
  });

  it('shows a name:key:submitter entry only the requests its key name made', async () => {
    const { api, billing, slack } = await withRequests();
    const own = String((await api.post(CLERK, 'clerk-1')).body.requestId);

    expect((await api.get(CLERK, own)).status).toBe(200);
    expect(await api.get(CLERK, billing)).toEqual(notFound(billing));
    expect(await api.get(CLERK, slack)).toEqual(notFound(slack));
  });

  it("answers another caller's request exactly as a request that does not exist", async () => {
    const { api, orders } = await withRequests();
    const unknown = requestIdFor('api:orders', 'never-sent');

    const hidden = await api.get(BILLING, orders);
    const missing = await api.get(BILLING, unknown);

    expect(hidden).toEqual(notFound(orders));
    expect(missing).toEqual(notFound(unknown));
  });

  it.each([
    ['reader', AUDIT],
    ['approver', LEAD],
    ['admin', OPS],
  ])('shows a %s every request, Slack-made ones included', async (_role, key) => {
    const { api, billing, orders, slack } = await withRequests();

    for (const requestId of [billing, orders, slack]) {
      expect(await api.get(key, requestId)).toMatchObject({ status: 200, body: { requestId } });
    }
  });
});

describe('POST /v1/replica-requests by role', () => {
  it('refuses a reader (403) and records nothing', async () => {
    const api = apiHarness(KEYS);

    const answer = await api.post(AUDIT, 'reader-tries');

    expect(answer).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect(api.store.records.size).toBe(0);
  });

  it.each([
    ['submitter', CLERK, 'clerk'],
    ['approver', LEAD, 'lead'],
    ['admin', OPS, 'ops'],
  ])('takes a %s and records its key name as the requester', async (_role, key, name) => {
    const api = apiHarness(KEYS);

    const answer = await api.post(key, 'role-submits');

    expect(answer.status).toBe(202);
    expect(api.store.records.get(String(answer.body.requestId))?.requester).toEqual({
      source: 'api',
      identity: name,
    });
  });
});
