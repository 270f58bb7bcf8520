import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apiHarness } from '#test/support/api-harness.ts';
import { assertProperty } from '#test/support/property-seed.ts';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 100);

const FIRST = 'first-key-0123456789';
const SECOND = 'second-key-0123456789';

/** Any Idempotency-Key the API takes, shaped like the keys other sources derive among others. */
const idempotencyKey = fc.oneof(
  fc.stringMatching(/^[\x21-\x7e][\x20-\x7e]{0,120}[\x21-\x7e]$/),
  fc.stringMatching(/^(?:jira|slack|alertmanager|grafana|cloudwatch|tencent-monitor):[\x21-\x7e]{1,60}$/),
);

describe('idempotency keys of two API keys (property)', () => {
  it('never meet: the same key sent by two API keys makes two requests, each readable only by its maker', async () => {
    await assertProperty(
      fc.asyncProperty(idempotencyKey, async (key) => {
        const api = apiHarness(`first:${FIRST},second:${SECOND}`);

        const first = await api.post(FIRST, key);
        const second = await api.post(SECOND, key);
        const firstId = String(first.body.requestId);
        const secondId = String(second.body.requestId);

        expect([first.status, second.status]).toEqual([202, 202]);
        expect(second.body.replayed).toBe(false);
        expect(secondId).not.toBe(firstId);
        expect((await api.get(FIRST, secondId)).status).toBe(404);
        expect((await api.get(SECOND, firstId)).status).toBe(404);
      }),
      { numRuns: RUNS },
    );
  });
});
