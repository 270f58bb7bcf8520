import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followRequest } from '#local/cli/api-client.ts';
import { SEED_EXAMPLE_REQUEST } from '#local/cli/demo-command.ts';
import { DEPLOYMENT_TAG_KEY } from '#shared/domain/deployment-identity.ts';
import { REQUEST_TAG_KEY } from '#shared/domain/idempotency.ts';
import { type StackFixture, startStackFixture } from '#test/support/local-stack-fixture.ts';

describe("the deployment identity, through the local stack's create function", () => {
  let fixture: StackFixture;

  beforeAll(async () => {
    fixture = await startStackFixture({ settings: { deployment: 'replica-flow-e2e' } });
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it("tags the replica Tencent made with the request id and this deployment's identity", async () => {
    const answer = await fixture.api.submit(SEED_EXAMPLE_REQUEST, `tag-${randomUUID()}`);
    const view = await followRequest(fixture.api, answer.requestId, { timeoutMs: 30_000, intervalMs: 200 });

    const instance = (fixture.stack.emulator?.instances() ?? []).find((candidate) =>
      candidate.tags.some((tag) => tag.TagKey === REQUEST_TAG_KEY && tag.TagValue === answer.requestId),
    );
    expect(view.state).toBe('READY');
    expect(instance?.tags).toContainEqual({ TagKey: DEPLOYMENT_TAG_KEY, TagValue: 'replica-flow-e2e' });
  });
});
