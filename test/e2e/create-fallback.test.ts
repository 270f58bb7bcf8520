import { randomUUID } from 'node:crypto';
import { defaultWorldWith } from '@replica-flow/tencent-emulator/testing/worlds.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followRequest } from '#local/cli/api-client.ts';
import { SEED_EXAMPLE_REQUEST } from '#local/cli/demo-command.ts';
import { REQUEST_TAG_KEY } from '#shared/domain/idempotency.ts';
import { type StackFixture, startStackFixture } from '#test/support/local-stack-fixture.ts';

/**
 * The zone fallback through the whole local stack: policy/default.yaml lists ap-beijing-5 (with the
 * VPC's subnet there) as postgres-abcdef's fallback, and this emulator world has sold its last
 * pg.it.small2 in ap-beijing-4, the plan's zone.
 */
describe('the zone fallback, end to end', () => {
  let fixture: StackFixture;

  beforeAll(async () => {
    fixture = await startStackFixture({
      world: defaultWorldWith((world) => {
        world.capacity.push({ zone: 'ap-beijing-4', specCode: 'pg.it.small2', remaining: 0 });
      }),
    });
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it('uses the fallback zone when the first is exhausted, and says so in the status API and the webhook', async () => {
    const answer = await fixture.api.submit(
      { ...SEED_EXAMPLE_REQUEST, callback: { url: fixture.receiver.url } },
      `fallback-${randomUUID()}`,
    );

    const view = await followRequest(fixture.api, answer.requestId, { timeoutMs: 30_000, intervalMs: 200 });
    const webhook = await fixture.receiver.waitFor(answer.requestId, 10_000);
    const made = (fixture.stack.emulator?.instances() ?? []).filter((instance) =>
      instance.tags.some((tag) => tag.TagKey === REQUEST_TAG_KEY && tag.TagValue === answer.requestId),
    );

    expect(view.state).toBe('READY');
    expect(made.map((instance) => instance.zone)).toEqual(['ap-beijing-5']);
    expect(view.plan).toMatchObject({ Zone: 'ap-beijing-5', SubnetId: 'subnet-bj5seed1' });
    expect(view.fallbackAttempts).toEqual([
      expect.objectContaining({
        Zone: 'ap-beijing-4',
        SpecCode: 'pg.it.small2',
        outcome: 'refused',
        code: 'ResourceInsufficient.ResourceNotEnough',
      }),
    ]);
    expect(webhook.payload.type).toBe('replica.ready');
    expect(webhook.payload.data).toMatchObject({
      zone: 'ap-beijing-5',
      fallbackAttempts: [expect.objectContaining({ code: 'ResourceInsufficient.ResourceNotEnough' })],
    });
  });
});
