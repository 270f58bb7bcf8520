import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followRequest } from '#local/cli/api-client.ts';
import { SEED_EXAMPLE_REQUEST } from '#local/cli/demo-command.ts';
import { type StackFixture, startStackFixture } from '#test/support/local-stack-fixture.ts';

/**
 * Issue #12, defect 1: a request whose callback URL is refused by validation ends REJECTED, and its
 * `replica.rejected` webhook must not go to that URL. The local stack runs in local mode, where
 * http to 127.0.0.1, localhost and [::1] is allowed; these URLs reach the same local receiver by
 * other spellings of this machine, which the rules refuse.
 */
describe('a callback URL the rules refuse, end to end through the local stack', () => {
  let fixture: StackFixture;
  let port: string;

  beforeAll(async () => {
    fixture = await startStackFixture();
    port = new URL(fixture.receiver.url).port;
  });
  afterAll(async () => {
    await fixture?.close();
  });

  const submitAndFollow = async (body: Record<string, unknown>) => {
    const answer = await fixture.api.submit(body, `refused-callback-${randomUUID()}`);
    const view = await followRequest(fixture.api, answer.requestId, { timeoutMs: 30_000, intervalMs: 200 });
    return { requestId: answer.requestId, view };
  };

  it.each([
    ['the metadata address (the issue reproduction)', () => 'http://169.254.169.254/latest/meta-data'],
    ['"this network" 0.0.0.0, which reaches the receiver', () => `http://0.0.0.0:${port}/hooks/replica-flow`],
    ['a trailing-dot localhost', () => `http://localhost.:${port}/hooks/replica-flow`],
  ])(
    'never posts to %s: the request is REJECTED naming callback.url, with no webhook attempt',
    async (_, url) => {
      const callbackUrl = url();

      const { requestId, view } = await submitAndFollow({
        MasterDBInstanceId: 'postgres-bjorder1',
        dryRun: true,
        callback: { url: callbackUrl },
      });

      expect(view.state).toBe('REJECTED');
      expect(view.violations?.map((violation) => violation.field)).toContain('callback.url');
      expect(view.notification?.status).toBe('DELIVERED');
      expect(view.notification?.attempts.filter((attempt) => attempt.target === 'webhook')).toEqual([]);
      expect(
        fixture.receiver.received.filter((webhook) => webhook.payload.data.requestId === requestId),
      ).toEqual([]);
      expect(fixture.receiver.rejected).toEqual([]);
    },
  );

  it('still posts to the receiver through a callback URL that keeps the rules', async () => {
    const { requestId, view } = await submitAndFollow({
      ...SEED_EXAMPLE_REQUEST,
      dryRun: true,
      callback: { url: fixture.receiver.url },
    });
    const webhook = await fixture.receiver.waitFor(requestId, 10_000);

    expect(view.state).toBe('DRY_RUN');
    expect(webhook.payload.type).toBe('replica.dry_run');
    expect(view.notification?.attempts.map((attempt) => [attempt.target, attempt.ok])).toEqual([
      ['webhook', true],
    ]);
  });
});
