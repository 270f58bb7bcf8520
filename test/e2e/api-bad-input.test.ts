import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_EXAMPLE_REQUEST } from '#local/cli/demo-command.ts';
import { LOCAL_API_KEY_NAME } from '#local/stack/local-credentials.ts';
import { REQUEST_TAG_KEY, requestIdFor } from '#shared/domain/idempotency.ts';
import { type StackFixture, startStackFixture } from '#test/support/local-stack-fixture.ts';

describe('POST /v1/replica-requests with bad input', () => {
  let fixture: StackFixture;
  const seedBody = JSON.stringify(SEED_EXAMPLE_REQUEST);

  beforeAll(async () => {
    fixture = await startStackFixture();
  });
  afterAll(async () => {
    await fixture?.close();
  });

  /** Sends one bad request; returns its status, its error body, and whether anything was recorded for its key. */
  const attempt = async (body: string | Buffer, headers: Record<string, string> = {}) => {
    const key = randomUUID();
    const response = await fixture.post('/v1/replica-requests', body, { 'idempotency-key': key, ...headers });
    const answer = (await response.json()) as {
      error: { code: string; message: string; issues?: unknown[] };
    };
    const recorded = await fixture.stack.dependencies.store.get(
      requestIdFor(`api:${LOCAL_API_KEY_NAME}`, key),
    );
    return { status: response.status, error: answer.error, recorded };
  };

  it.each([
    ['malformed JSON', '{"MasterDBInstanceId": ', {}, 400, /not valid JSON/],
    [
      'a wrong type, naming the field',
      JSON.stringify({ ...SEED_EXAMPLE_REQUEST, Storage: 'abc' }),
      {},
      400,
      /Storage/,
    ],
    [
      'an unknown field, naming it',
      JSON.stringify({ ...SEED_EXAMPLE_REQUEST, Colour: 'blue' }),
      {},
      400,
      /Colour/,
    ],
    [
      'a storage that is not a multiple of 10',
      JSON.stringify({ ...SEED_EXAMPLE_REQUEST, Storage: 105 }),
      {},
      400,
      /multiple of 10/,
    ],
    [
      'a __proto__ key',
      '{"MasterDBInstanceId":"postgres-abcdef","__proto__":{"admin":true}}',
      {},
      400,
      /__proto__/,
    ],
    [
      'a body over the size limit',
      JSON.stringify({ ...SEED_EXAMPLE_REQUEST, Name: 'x'.repeat(70_000) }),
      {},
      413,
      /larger than/,
    ],
    ['a body that is not JSON', seedBody, { 'content-type': 'text/plain' }, 415, /application\/json/],
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), {}, 400, /UTF-8/],
    [
      "a TagList with replica-flow's own tag key, naming TagList.TagKey",
      JSON.stringify({
        ...SEED_EXAMPLE_REQUEST,
        TagList: { TagKey: REQUEST_TAG_KEY, TagValue: 'r-0123456789abcdef' },
      }),
      {},
      400,
      /TagList\.TagKey.*reserved/,
    ],
    ['no credentials', seedBody, { authorization: '' }, 401, /credentials/],
    ['a wrong API key', seedBody, { authorization: 'Bearer not-the-key-000000000000' }, 401, /credentials/],
    [
      'an over-long Idempotency-Key',
      seedBody,
      { 'idempotency-key': 'k'.repeat(300) },
      400,
      /Idempotency-Key/,
    ],
  ] as const)(
    'answers %s with a 4xx that names the problem and records nothing',
    async (_case, body, headers, status, message) => {
      const result = await attempt(body, headers);

      expect(result.status).toBe(status);
      expect(`${result.error.message} ${JSON.stringify(result.error.issues ?? [])}`).toMatch(message);
      expect(result.recorded).toBeUndefined();
    },
  );

  it('requires an idempotency key', async () => {
    const response = await fixture.post('/v1/replica-requests', seedBody);

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { issues: [{ field: 'idempotencyKey' }] } });
  });

  it('answers an unknown route with 404 and an unknown request id with 404', async () => {
    const route = await fixture.post('/v1/nothing-here', seedBody);
    const unknown = await fetch(
      new URL('/v1/replica-requests/r-0000000000000000', fixture.stack.ingressUrl),
      {
        headers: { authorization: `Bearer ${fixture.stack.credentials.apiKey}` },
      },
    );

    expect(route.status).toBe(404);
    expect(unknown.status).toBe(404);
  });
});
