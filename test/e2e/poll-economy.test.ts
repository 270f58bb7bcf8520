import { randomUUID } from 'node:crypto';
import { DEFAULT_WORLD_PATH, readWorldFile } from '@replica-flow/tencent-emulator/world/load-world.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_EXAMPLE_REQUEST } from '#local/cli/demo-command.ts';
import { DEFAULT_DEPLOYMENT } from '#shared/domain/deployment-identity.ts';
import { instanceNameFor, requestIdFor } from '#shared/domain/idempotency.ts';
import { parseReplicaPlan } from '#shared/domain/replica-plan.ts';
import { parseStoredRequest } from '#shared/domain/stored-request.ts';
import { createRequestParams } from '#shared/use-cases/create-request-params.ts';
import { chunk } from '#shared/util/chunk.ts';
import { type StackFixture, startStackFixture } from '#test/support/local-stack-fixture.ts';

const IN_FLIGHT = 250;
const { DBVersion: _deprecated, ...planFields } = SEED_EXAMPLE_REQUEST;
const plan = parseReplicaPlan({ ...planFields, ReadOnlyGroupId: undefined });

/** Creates a replica in the emulator and records a SUBMITTED request for it, as `create` would have. */
const submittedRequest = async (fixture: StackFixture) => {
  const key = `poll-${randomUUID()}`;
  const requestId = requestIdFor('api:test', key);
  const { stack } = fixture;
  const {
    DealNames = [],
    DBInstanceIdSet = [],
    RequestId,
  } = await stack.dependencies.tencent.createReadOnlyDBInstance(
    plan.Region,
    createRequestParams(plan, requestId, instanceNameFor(requestId), DEFAULT_DEPLOYMENT),
  );
  const at = new Date().toISOString();
  const request = parseStoredRequest({
    ...SEED_EXAMPLE_REQUEST,
    idempotencyKey: key,
    requester: { source: 'api', identity: 'test' },
  });
  await stack.dependencies.store.putNew({
    requestId,
    idempotencyKey: key,
    payloadHash: 'test',
    state: 'SUBMITTED',
    version: 1,
    request,
    requester: request.requester,
    plan,
    creation: {
      attempt: 1,
      startedAt: at,
      instanceName: instanceNameFor(requestId),
      dealNames: DealNames,
      instanceIds: DBInstanceIdSet,
      ...(RequestId ? { tencentRequestId: RequestId } : {}),
      submittedAt: at,
      source: 'create-response',
    },
    deadline: new Date(Date.now() + 600_000).toISOString(),
    createdAt: at,
    updatedAt: at,
    history: [{ state: 'SUBMITTED', at }],
  });
};

describe('poll', () => {
  let fixture: StackFixture;

  beforeAll(async () => {
    const world = readWorldFile(DEFAULT_WORLD_PATH);
    fixture = await startStackFixture({
      // Only the test polls, so every Tencent call counted below belongs to one cycle.
      pollIntervalMs: 3_600_000,
      world: { ...world, limits: { maxReadOnlyPerPrimary: 10_000, maxReadOnlyGroupsPerPrimary: 10_000 } },
    });
    fixture.stack.emulator?.setRateLimits({ enabled: false });
    for (const slice of chunk(Array.from({ length: IN_FLIGHT }), 25)) {
      await Promise.all(slice.map(() => submittedRequest(fixture)));
    }
  }, 120_000);
  afterAll(async () => {
    await fixture?.close();
  });

  it(`checks ${IN_FLIGHT} in-flight requests with at most 3 DescribeDBInstances calls, reading only the in-flight index`, async () => {
    const describeCalls = () => fixture.stack.emulator?.calls().byAction.DescribeDBInstances?.total ?? 0;
    const before = describeCalls();

    const report = await fixture.stack.pollOnce();

    expect(report.skipped).toBe(false);
    expect(report.inFlight).toBe(IN_FLIGHT);
    expect(report.itemsRead).toBe(IN_FLIGHT);
    expect(report.calls.describeDBInstances).toBe(Math.ceil(IN_FLIGHT / 100));
    expect(describeCalls() - before).toBeLessThanOrEqual(3);
  }, 120_000); // one cycle over 250 records: 30 s ran out under coverage on a busy machine
});
