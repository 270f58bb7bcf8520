import { describe, expect, it } from 'vitest';
import { SEED_EXAMPLE_REQUEST } from '#local/cli/demo-command.ts';
import { parseApiKeys } from '#shared/http/api-keys.ts';
import { removalStatusRoute, submitRemovalRoute } from '#shared/ingress/api/removal-routes.ts';
import { submitRoute } from '#shared/ingress/api/submit-route.ts';
import { answerOf as routeAnswer } from '#test/support/api-harness.ts';
import { fixedClock } from '#test/support/fixed-clock.ts';
import { httpEvent } from '#test/support/http-event.ts';
import { InMemoryStore } from '#test/support/in-memory-store.ts';
import { RecordingQueue } from '#test/support/recording-queue.ts';

const answerOf = (call: Parameters<typeof routeAnswer>[0]) =>
  routeAnswer<Record<string, unknown> & { requestId: string }>(call);

const BILLING = 'billing-key-0123456789';
const ORDERS = 'orders-key-01234567890';
const AUDIT = 'audit-key-012345678901';
const OPS = 'ops-key-01234567890123';
const KEYS = parseApiKeys(
  [`billing:${BILLING}`, `orders:${ORDERS}`, `audit:${AUDIT}:reader`, `ops:${OPS}:admin`].join(','),
);

const harness = () => {
  const store = new InMemoryStore();
  const queue = new RecordingQueue();
  const deps = { store, queue, clock: fixedClock(), apiKeys: KEYS, bodyLimitBytes: 64 * 1024 };
  const post = (apiKey: string, body: unknown, idempotencyKey?: string) =>
    answerOf(() =>
      submitRemovalRoute(deps)(
        httpEvent({
          path: '/v1/replica-removals',
          headers: {
            authorization: `Bearer ${apiKey}`,
            ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
          },
          body: JSON.stringify(body),
        }),
      ),
    );
  const get = (apiKey: string, requestId: string) =>
    answerOf(() =>
      removalStatusRoute(deps)(
        httpEvent({
          method: 'GET',
          path: `/v1/replica-removals/${requestId}`,
          routeKey: 'GET /v1/replica-removals/{id}',
          headers: { authorization: `Bearer ${apiKey}` },
          pathParameters: { id: requestId },
        }),
      ),
    );
  return { store, queue, deps, post, get };
};

describe('POST /v1/replica-removals', () => {
  it('records a removal RECEIVED with its key, the caller as requester and the key role as trigger; 202 with its status URL', async () => {
    const api = harness();

    const answer = await api.post(
      OPS,
      { MasterDBInstanceId: 'postgres-abcdef', DBInstanceId: 'pgro-ab12cd34' },
      'k-1',
    );

    expect(answer.status).toBe(202);
    expect(answer.body.statusUrl).toBe(`/v1/replica-removals/${answer.body.requestId}`);
    expect(api.store.records.get(answer.body.requestId)).toMatchObject({
      kind: 'removal',
      state: 'RECEIVED',
      request: { MasterDBInstanceId: 'postgres-abcdef' },
      removal: { DBInstanceId: 'pgro-ab12cd34', trigger: { kind: 'api', role: 'admin' } },
      requester: { source: 'api', identity: 'ops' },
    });
    expect(api.queue.sent).toEqual([{ queue: 'requests', body: { requestId: answer.body.requestId } }]);
  });

  it('answers a replay with the same removal, a changed body under the same key with 422 (as creates)', async () => {
    const api = harness();
    const first = await api.post(BILLING, { MasterDBInstanceId: 'postgres-abcdef' }, 'k-2');
    const again = await api.post(BILLING, { MasterDBInstanceId: 'postgres-abcdef', idempotencyKey: 'k-2' });
    const changed = await api.post(BILLING, { MasterDBInstanceId: 'postgres-abcdef', dryRun: true }, 'k-2');

    expect(again.body).toMatchObject({ requestId: first.body.requestId, replayed: true });
    expect(changed.status).toBe(422);
  });

  it("keeps a caller's removal keys apart from its create keys (never a replay or conflict across kinds)", async () => {
    const api = harness();
    const create = await answerOf(() =>
      submitRoute(api.deps)(
        httpEvent({
          path: '/v1/replica-requests',
          headers: { authorization: `Bearer ${BILLING}`, 'idempotency-key': 'shared-key' },
          body: JSON.stringify(SEED_EXAMPLE_REQUEST),
        }),
      ),
    );
    const removal = await api.post(BILLING, { MasterDBInstanceId: 'postgres-abcdef' }, 'shared-key');

    expect(removal.status).toBe(202);
    expect(removal.body.requestId).not.toBe(create.body.requestId);
  });

  it.each([
    [
      'a malformed replica id',
      { MasterDBInstanceId: 'postgres-abcdef', DBInstanceId: 'pg-1' },
      'DBInstanceId',
    ],
    ['no primary', { DBInstanceId: 'pgro-ab12cd34' }, 'MasterDBInstanceId'],
    ['an unknown field', { MasterDBInstanceId: 'postgres-abcdef', SpecCode: 'pg.it.small2' }, 'SpecCode'],
  ])('refuses %s with a 400 naming the field, recording nothing', async (_, body, field) => {
    const api = harness();

    const answer = await api.post(BILLING, body, 'k-3');

    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toContain(field);
    expect(api.store.records.size).toBe(0);
  });

  it('refuses a reader key (403) and a missing key (400 naming idempotencyKey)', async () => {
    const api = harness();

    expect((await api.post(AUDIT, { MasterDBInstanceId: 'postgres-abcdef' }, 'k-4')).status).toBe(403);
    const keyless = await api.post(BILLING, { MasterDBInstanceId: 'postgres-abcdef' });
    expect(keyless.status).toBe(400);
    expect(JSON.stringify(keyless.body)).toContain('idempotencyKey');
  });
});

describe('GET /v1/replica-removals/{id}', () => {
  it("shows a removal to its submitter and to a reader; another submitter's removal, a create and an unknown id are 404", async () => {
    const api = harness();
    const removal = await api.post(BILLING, { MasterDBInstanceId: 'postgres-abcdef' }, 'k-5');
    const create = await answerOf(() =>
      submitRoute(api.deps)(
        httpEvent({
          path: '/v1/replica-requests',
          headers: { authorization: `Bearer ${BILLING}`, 'idempotency-key': 'k-6' },
          body: JSON.stringify(SEED_EXAMPLE_REQUEST),
        }),
      ),
    );

    expect((await api.get(BILLING, removal.body.requestId)).body).toMatchObject({
      kind: 'removal',
      state: 'RECEIVED',
    });
    expect((await api.get(AUDIT, removal.body.requestId)).status).toBe(200);
    expect((await api.get(ORDERS, removal.body.requestId)).status).toBe(404);
    expect((await api.get(BILLING, create.body.requestId)).status).toBe(404);
    expect((await api.get(BILLING, 'r-0000000000000000')).status).toBe(404);
  });
});
