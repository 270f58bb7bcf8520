import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { EMULATOR_CREDENTIALS } from '@replica-flow/tencent-emulator/credentials.ts';
import type { RunningEmulator } from '@replica-flow/tencent-emulator/server.ts';
import {
  emulatorOf,
  NO_PROVISIONING_DELAY,
  POSTPAID_PRIMARY,
  startBenchStack,
} from '#local/bench/bench-stack.ts';
import { atMost, type Measurement, measurement, reportOnly } from '#local/bench/measurement.ts';
import { forEachLimited } from '#local/bench/seed-records.ts';
import { apiClient } from '#local/cli/api-client.ts';
import { SEED_EXAMPLE_REQUEST } from '#local/cli/demo-command.ts';
import type { LocalStack } from '#local/stack/local-stack.ts';
import { createTencentPostgres } from '#shared/adapters/tencent/tencent-postgres-client.ts';
import { DEFAULT_DEPLOYMENT } from '#shared/domain/deployment-identity.ts';
import { instanceNameFor, requestIdFor } from '#shared/domain/idempotency.ts';
import { parseReplicaPlan } from '#shared/domain/replica-plan.ts';
import { isTerminal } from '#shared/domain/request-state.ts';
import { createRequestParams } from '#shared/use-cases/create-request-params.ts';
import { chunk } from '#shared/util/chunk.ts';

const REGION = 'ap-beijing';
/** IsolateDBInstances takes at most 10 ids a call. */
const ISOLATE_BATCH = 10;

const callsByAction = (emulator: RunningEmulator): Record<string, number> =>
  Object.fromEntries(
    Object.entries(emulator.calls().byAction).map(([action, calls]) => [action, calls.total]),
  );

const callsSince = (emulator: RunningEmulator, before: Record<string, number>): Record<string, number> =>
  Object.fromEntries(
    Object.entries(callsByAction(emulator))
      .map(([action, total]) => [action, total - (before[action] ?? 0)] as const)
      .filter(([, delta]) => delta > 0),
  );

const sum = (calls: Record<string, number>): number => Object.values(calls).reduce((a, b) => a + b, 0);

/** `count` running replicas of the seed primary, tagged as replica-flow's (this deployment, a request id each). */
const makeReplicas = async (stack: LocalStack, count: number): Promise<string[]> => {
  const emulator = emulatorOf(stack);
  const tencent = createTencentPostgres({
    credentials: EMULATOR_CREDENTIALS,
    endpoint: emulator.endpoint,
    protocol: 'http://',
  });
  const { DBVersion: _deprecated, ...fields } = SEED_EXAMPLE_REQUEST;
  const plan = parseReplicaPlan({
    ...fields,
    ReadOnlyGroupId: undefined,
    MasterDBInstanceId: POSTPAID_PRIMARY,
  });
  const runId = randomUUID().slice(0, 8);
  const ids: string[] = [];
  await forEachLimited(
    Array.from({ length: count }, (_, index) => index),
    25,
    async (index) => {
      const requestId = requestIdFor('api:bench', `bench-replica-${runId}-${index}`);
      const answer = await tencent.createReadOnlyDBInstance(
        REGION,
        createRequestParams(plan, requestId, instanceNameFor(requestId), DEFAULT_DEPLOYMENT),
      );
      ids.push(...(answer.DBInstanceIdSet ?? []));
    },
  );
  return ids;
};

export interface RemovalCallsResult {
  readonly removals: number;
  /** Tencent calls of each removal, from its request to its end, as the emulator counted them. */
  readonly perRemoval: readonly number[];
  /** The same, by action, summed over the removals. */
  readonly byAction: Record<string, number>;
  /** What each removal's record says it made (`removal.tencentCalls`). */
  readonly recorded: readonly number[];
  readonly states: readonly string[];
}

/** One replica made and removed through the API, validate, the worker and the poller, on a fresh stack. */
const removeOne = async () => {
  const bench = await startBenchStack({ pollIntervalMs: 250 });
  try {
    const emulator = emulatorOf(bench.stack);
    emulator.setRateLimits({ enabled: false });
    emulator.setTimings({ ...NO_PROVISIONING_DELAY, isolatingMs: 300, groupTaskMs: 300, offliningMs: 100 });
    const [instanceId = ''] = await makeReplicas(bench.stack, 1);
    const api = apiClient(bench.stack.ingressUrl, bench.stack.credentials.apiKey);
    const before = callsByAction(emulator);
    const { requestId } = await api.remove(
      { MasterDBInstanceId: POSTPAID_PRIMARY, DBInstanceId: instanceId },
      `bench-removal-${instanceId}`,
    );
    let record = await bench.stack.dependencies.store.get(requestId);
    while (!record || !isTerminal(record.state)) {
      await sleep(50);
      record = await bench.stack.dependencies.store.get(requestId);
    }
    return {
      calls: callsSince(emulator, before),
      recorded: record.removal?.tencentCalls ?? 0,
      state: record.state,
    };
  } finally {
    await bench.close();
  }
};

/**
 * `removals` removals, each of a replica on a stack of its own (a primary's removals are one at a
 * time, a minute apart: its sequence marker), through the API, validate, the worker and the poller;
 * each one's Tencent calls counted on the emulator's side from its POST to its end.
 */
export const runRemovalCalls = async (args: { readonly removals: number }): Promise<RemovalCallsResult> => {
  const perRemoval: number[] = [];
  const recorded: number[] = [];
  const states: string[] = [];
  const byAction: Record<string, number> = {};
  for (let index = 0; index < args.removals; index += 1) {
    const removal = await removeOne();
    perRemoval.push(sum(removal.calls));
    recorded.push(removal.recorded);
    states.push(removal.state);
    for (const [action, count] of Object.entries(removal.calls))
      byAction[action] = (byAction[action] ?? 0) + count;
  }
  return { removals: args.removals, perRemoval, byAction, recorded, states };
};

export interface RemovalPollCallsResult {
  readonly inFlight: number;
  readonly calls: Record<string, number>;
}

/**
 * One poll cycle over `inFlight` removals waiting for their replicas to be isolated (ISOLATING, the
 * replicas really `isolating` in the emulator for an hour), counted on Tencent's side.
 */
export const runRemovalPollCalls = async (args: {
  readonly inFlight: number;
}): Promise<RemovalPollCallsResult> => {
  const bench = await startBenchStack();
  try {
    const emulator = emulatorOf(bench.stack);
    emulator.setRateLimits({ enabled: false });
    emulator.setTimings({ ...NO_PROVISIONING_DELAY, isolatingMs: 3_600_000 });
    const replicas = await makeReplicas(bench.stack, args.inFlight);
    const tencent = bench.stack.dependencies.tencent;
    await forEachLimited(chunk(replicas, ISOLATE_BATCH), 10, async (ids) => {
      await tencent.isolateDBInstances(REGION, { DBInstanceIdSet: ids });
    });
    const runId = randomUUID().slice(0, 8);
    const at = new Date().toISOString();
    const deadline = new Date(Date.now() + 24 * 3600_000).toISOString();
    await forEachLimited(replicas, 25, async (instanceId, index) => {
      const idempotencyKey = `bench-removal-${runId}-${index}`;
      await bench.stack.dependencies.store.putNew({
        requestId: requestIdFor('removal:api:bench', idempotencyKey),
        kind: 'removal',
        idempotencyKey,
        payloadHash: 'bench',
        state: 'ISOLATING',
        version: 1,
        request: {
          MasterDBInstanceId: POSTPAID_PRIMARY,
          idempotencyKey,
          requester: { source: 'api', identity: 'bench' },
        },
        removal: {
          DBInstanceId: instanceId,
          trigger: { kind: 'api', role: 'admin' },
          target: { instanceId, region: REGION, readOnlyGroupId: '', payType: 'postpaid' },
          destroy: 'recycle-bin',
        },
        requester: { source: 'api', identity: 'bench' },
        deadline,
        createdAt: at,
        updatedAt: at,
        history: [{ state: 'ISOLATING', at, note: 'seeded by the bench' }],
      });
    });
    const before = callsByAction(emulator);
    const report = await bench.stack.pollOnce();
    if (report.inFlight !== args.inFlight) {
      throw new Error(`the poller saw ${report.inFlight} removals in flight, not ${args.inFlight}`);
    }
    return { inFlight: args.inFlight, calls: callsSince(emulator, before) };
  } finally {
    await bench.close();
  }
};

export const removalCallsMeasurements = (result: RemovalCallsResult): Measurement[] => [
  measurement({
    metric: 'removal.tencent-calls.mean',
    value: result.perRemoval.reduce((a, b) => a + b, 0) / Math.max(1, result.perRemoval.length),
    unit: 'calls/removal',
    target: reportOnly,
  }),
  measurement({
    metric: 'removal.tencent-calls.max',
    value: Math.max(0, ...result.perRemoval),
    unit: 'calls/removal',
    target: reportOnly,
  }),
];

/** Target: ⌈N/100⌉ DescribeDBInstances per cycle, and no other call. */
export const removalPollCallsMeasurement = (result: RemovalPollCallsResult): Measurement =>
  measurement({
    metric: `poll.removals.tencent-calls.n${result.inFlight}`,
    value: sum(result.calls),
    unit: 'calls/cycle',
    target: atMost(Math.ceil(result.inFlight / 100)),
  });
