import { EMULATOR_CREDENTIALS } from '@replica-flow/tencent-emulator/credentials.ts';
import type { RunningEmulator } from '@replica-flow/tencent-emulator/server.ts';
import { emulatorOf, startBenchStack } from '#local/bench/bench-stack.ts';
import { atMost, type Measurement, measurement } from '#local/bench/measurement.ts';
import { forEachLimited, seedInFlight } from '#local/bench/seed-records.ts';
import { createTencentPostgres } from '#shared/adapters/tencent/tencent-postgres-client.ts';

/** Every Tencent call the emulator answered so far, by action. */
const callsByAction = (emulator: RunningEmulator): Record<string, number> =>
  Object.fromEntries(
    Object.entries(emulator.calls().byAction).map(([action, calls]) => [action, calls.total]),
  );

const callsSince = (emulator: RunningEmulator, before: Record<string, number>) => {
  const now = callsByAction(emulator);
  const delta = (action: string) => (now[action] ?? 0) - (before[action] ?? 0);
  return {
    total: Object.keys(now).reduce((sum, action) => sum + delta(action), 0),
    describeOrders: delta('DescribeOrders'),
    describeDBInstances: delta('DescribeDBInstances'),
  };
};

/**
 * Terraform's way of waiting for replicas (tencent-api.md §4): per order one DescribeOrders until
 * it shows the instance id, then per instance one DescribeDBInstanceAttribute each round.
 */
const terraformRound = async (emulator: RunningEmulator): Promise<void> => {
  const tencent = createTencentPostgres({
    credentials: EMULATOR_CREDENTIALS,
    endpoint: emulator.endpoint,
    protocol: 'http://',
  });
  await forEachLimited(emulator.instances(), 25, async (instance) => {
    if (instance.chargeType === 'PREPAID') {
      await tencent.describeOrders(instance.region, { DealNames: [instance.dealName] });
    }
    await tencent.describeDBInstanceAttribute(instance.region, { DBInstanceId: instance.id });
  });
};

export interface PollCallsResult {
  readonly inFlight: number;
  readonly orders: number;
  readonly calls: { total: number; describeOrders: number; describeDBInstances: number };
  readonly terraformCalls: number;
}

/**
 * One poll cycle over `inFlight` SUBMITTED requests with real replicas (half of them prepaid, so
 * their ids come from DescribeOrders), counted on Tencent's side; then Terraform's round over the
 * same replicas.
 */
export const runPollCalls = async (args: { readonly inFlight: number }): Promise<PollCallsResult> => {
  const bench = await startBenchStack();
  try {
    const emulator = emulatorOf(bench.stack);
    emulator.setRateLimits({ enabled: false });
    // Orders and listings at once; the replicas stay provisioning, so every request stays in flight.
    emulator.setTimings({
      orderVisibleAfterMs: 0,
      orderIdsLagMs: 0,
      listedAfterMs: 0,
      applyingMs: 3_600_000,
    });
    const orders = Math.floor(args.inFlight / 2);
    await seedInFlight(bench.stack, { count: args.inFlight, prepaid: orders, replicas: 'real' });

    const before = callsByAction(emulator);
    const report = await bench.stack.pollOnce();
    const calls = callsSince(emulator, before);
    if (report.inFlight !== args.inFlight) {
      throw new Error(`the poller saw ${report.inFlight} requests in flight, not ${args.inFlight}`);
    }
    const beforeTerraform = callsByAction(emulator);
    await terraformRound(emulator);
    return {
      inFlight: args.inFlight,
      orders,
      calls,
      terraformCalls: callsSince(emulator, beforeTerraform).total,
    };
  } finally {
    await bench.close();
  }
};

/** Target: ⌈N/100⌉ DescribeDBInstances plus ⌈orders/100⌉ DescribeOrders, and no other call. */
export const pollCallsMeasurement = (result: PollCallsResult): Measurement =>
  measurement({
    metric: `poll.tencent-calls.n${result.inFlight}`,
    value: result.calls.total,
    unit: 'calls/cycle',
    baseline: result.terraformCalls,
    target: atMost(Math.ceil(result.inFlight / 100) + Math.ceil(result.orders / 100)),
  });
