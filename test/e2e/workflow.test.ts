import { randomUUID } from 'node:crypto';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCreateHandler } from '#functions/create.ts';
import { followRequest } from '#local/cli/api-client.ts';
import { SEED_EXAMPLE_REQUEST } from '#local/cli/demo-command.ts';
import { lambdaContext } from '#local/stack/lambda-context.ts';
import { REQUEST_TAG_KEY, requestIdFor } from '#shared/domain/idempotency.ts';
import { parseReplicaPlan } from '#shared/domain/replica-plan.ts';
import { parseStoredRequest } from '#shared/domain/stored-request.ts';
import { type StackFixture, startStackFixture } from '#test/support/local-stack-fixture.ts';
import { pathWithoutProvisioning } from '#test/support/state-path.ts';

const seedRequest = (callback: string) => ({ ...SEED_EXAMPLE_REQUEST, callback: { url: callback } });

const instancesTagged = (fixture: StackFixture, requestId: string) =>
  (fixture.stack.emulator?.instances() ?? []).filter((instance) =>
    instance.tags.some((tag) => tag.TagKey === REQUEST_TAG_KEY && tag.TagValue === requestId),
  );

/** A request already VALIDATED in the store, with no message queued for it: the test delivers them. */
const putValidatedRequest = async (fixture: StackFixture) => {
  const key = `test-${randomUUID()}`;
  const requestId = requestIdFor('api:test', key);
  const at = new Date().toISOString();
  const request = parseStoredRequest({
    ...SEED_EXAMPLE_REQUEST,
    idempotencyKey: key,
    requester: { source: 'api', identity: 'test' },
  });
  const { DBVersion: _version, ...planFields } = SEED_EXAMPLE_REQUEST;
  await fixture.stack.dependencies.store.putNew({
    requestId,
    idempotencyKey: key,
    payloadHash: 'test',
    state: 'VALIDATED',
    version: 1,
    request,
    requester: request.requester,
    plan: parseReplicaPlan({ ...planFields, ReadOnlyGroupId: undefined }),
    deadline: new Date(Date.now() + 600_000).toISOString(),
    createdAt: at,
    updatedAt: at,
    history: [{ state: 'VALIDATED', at }],
  });
  return requestId;
};

const sqsEvent = (requestId: string, copies: number, arn: string): SQSEvent => ({
  Records: Array.from({ length: copies }, (_, index) => ({
    messageId: randomUUID(),
    receiptHandle: `test-${index}`,
    body: JSON.stringify({ requestId }),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(Date.now()),
      SenderId: 'test',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: arn,
    awsRegion: 'ap-southeast-1',
  })),
});

describe('the replica workflow, end to end through the local stack', () => {
  let fixture: StackFixture;

  beforeAll(async () => {
    fixture = await startStackFixture();
  });
  afterAll(async () => {
    await fixture?.close();
  });

  /** The emulator's default price list for the seed plan: one postpaid pg.it.small2 with 100 GB, an hour. */
  const SEED_PRICE = {
    original: 0.37,
    discounted: 0.34,
    currency: 'CNY',
    per: 'PT1H',
    originalMinor: 37,
    discountedMinor: 34,
  };

  it('turns the seed example into a READY replica and a replica.ready webhook that verifies', async () => {
    const answer = await fixture.api.submit(seedRequest(fixture.receiver.url), `seed-${randomUUID()}`);
    expect(answer.state).toBe('RECEIVED');

    const view = await followRequest(fixture.api, answer.requestId, { timeoutMs: 30_000, intervalMs: 200 });
    const webhook = await fixture.receiver.waitFor(answer.requestId, 10_000);

    expect(view.state).toBe('READY');
    expect(pathWithoutProvisioning(view.history.map((entry) => entry.state))).toEqual([
      'RECEIVED',
      'VALIDATED',
      'CREATING',
      'SUBMITTED',
      'READY',
    ]);
    expect(view.dealNames).toHaveLength(1);
    expect(webhook.payload.type).toBe('replica.ready');
    expect(webhook.payload.data).toMatchObject({
      requestId: answer.requestId,
      primary: 'postgres-abcdef',
      region: 'ap-beijing',
      zone: 'ap-beijing-4',
      dealNames: view.dealNames,
      price: SEED_PRICE,
    });
    expect(view.price).toEqual(SEED_PRICE);
    const [instance] = webhook.payload.data.instances as {
      instanceId: string;
      privateIp: string;
      port: number;
    }[];
    expect(instance?.instanceId).toMatch(/^pgro-[a-z0-9]{8}$/);
    expect(instance?.port).toBe(5432);
    expect(instance?.privateIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(webhook.id).toBe(view.notification?.webhookId);
    expect(instancesTagged(fixture, answer.requestId)).toHaveLength(1);
  });

  it('answers a replay of the same key and payload with the same request, and refuses another payload', async () => {
    const key = `replay-${randomUUID()}`;
    const first = await fixture.api.submit(seedRequest(fixture.receiver.url), key);
    const again = await fixture.api.submit(seedRequest(fixture.receiver.url), key);
    const conflicting = await fixture.post(
      '/v1/replica-requests',
      JSON.stringify({ ...seedRequest(fixture.receiver.url), Storage: 200 }),
      { 'idempotency-key': key },
    );

    expect(again.requestId).toBe(first.requestId);
    expect(again.replayed).toBe(true);
    expect(conflicting.status).toBe(422);
    expect(await conflicting.json()).toMatchObject({
      error: { code: 'IDEMPOTENCY_KEY_REUSED', requestId: first.requestId },
    });
  });

  it('creates exactly one replica when one create message is delivered twice in a batch and twice concurrently', async () => {
    const stack = fixture.stack;
    const requestId = await putValidatedRequest(fixture);
    const invocations = [buildCreateHandler(stack.dependencies), buildCreateHandler(stack.dependencies)];
    const arn = stack.queues.create.arn;

    await Promise.all(
      invocations.map((invoke) => invoke(sqsEvent(requestId, 2, arn), lambdaContext('create'))),
    );
    await stack.dependencies.queue.sendBatch('create', [{ requestId }, { requestId }]);
    const view = await followRequest(fixture.api, requestId, { timeoutMs: 30_000, intervalMs: 200 });

    expect(view.state).toBe('READY');
    expect(instancesTagged(fixture, requestId)).toHaveLength(1);
    expect(view.history.filter((entry) => entry.state === 'CREATING')).toHaveLength(1);
  });

  it('rejects a request that breaks a policy rule with a replica.rejected webhook naming the rule', async () => {
    const answer = await fixture.api.submit(
      { ...seedRequest(fixture.receiver.url), Storage: 5000 },
      randomUUID(),
    );

    const webhook = await fixture.receiver.waitFor(answer.requestId, 15_000);
    const view = await fixture.api.status(answer.requestId);

    expect(view.state).toBe('REJECTED');
    expect(webhook.payload.type).toBe('replica.rejected');
    expect(webhook.payload.data.violations).toEqual(
      expect.arrayContaining([expect.objectContaining({ rule: 'policy.maxStorage', field: 'Storage' })]),
    );
    expect(instancesTagged(fixture, answer.requestId)).toHaveLength(0);
  });

  it('rejects a primary that Tencent does not know, found by the pre-checks, without calling create', async () => {
    const answer = await fixture.api.submit(
      { ...seedRequest(fixture.receiver.url), MasterDBInstanceId: 'postgres-nosuch01' },
      randomUUID(),
    );

    const webhook = await fixture.receiver.waitFor(answer.requestId, 15_000);

    expect(webhook.payload.type).toBe('replica.rejected');
    expect(webhook.payload.data.violations).toEqual(
      expect.arrayContaining([expect.objectContaining({ rule: 'tencent.primaryExists' })]),
    );
  });

  it('answers a dry run with what would be created, and creates nothing', async () => {
    const answer = await fixture.api.submit(
      { ...seedRequest(fixture.receiver.url), dryRun: true },
      randomUUID(),
    );

    const webhook = await fixture.receiver.waitFor(answer.requestId, 15_000);

    expect(webhook.payload.type).toBe('replica.dry_run');
    expect(webhook.payload.data.wouldCreate).toMatchObject({
      MasterDBInstanceId: 'postgres-abcdef',
      SpecCode: 'pg.it.small2',
      Storage: 100,
      Zone: 'ap-beijing-4',
    });
    expect(webhook.payload.data.price).toEqual(SEED_PRICE);
    expect(instancesTagged(fixture, answer.requestId)).toHaveLength(0);
    expect((await fixture.api.status(answer.requestId)).state).toBe('DRY_RUN');
  });

  it('retries injected throttling on the create call and still ends READY with one replica', async () => {
    fixture.stack.emulator?.addFaults({
      rules: [
        { action: 'CreateReadOnlyDBInstance', sequence: ['RequestLimitExceeded', 'RequestLimitExceeded'] },
      ],
    });
    try {
      const answer = await fixture.api.submit(seedRequest(fixture.receiver.url), randomUUID());

      const view = await followRequest(fixture.api, answer.requestId, { timeoutMs: 45_000, intervalMs: 250 });

      expect(view.state).toBe('READY');
      expect(view.history.filter((entry) => entry.state === 'CREATING')).toHaveLength(3);
      expect(instancesTagged(fixture, answer.requestId)).toHaveLength(1);
    } finally {
      fixture.stack.emulator?.clearFaults();
    }
  });
});
