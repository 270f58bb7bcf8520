import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOAD_TEST_WORLD_PATH, readWorldFile } from '@replica-flow/tencent-emulator/world/load-world.ts';
import type { World } from '@replica-flow/tencent-emulator/world/world-schema.ts';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '#local/stack/local-stack.ts';
import { startWebhookReceiver, type WebhookReceiver } from '#local/stack/webhook-receiver.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const BENCH_POLICY_FILE = path.join(here, 'bench-policy.yaml');

/** The postpaid seed primary, and a prepaid one beside it (its replicas are found through DescribeOrders). */
export const POSTPAID_PRIMARY = 'postgres-abcdef';
export const PREPAID_PRIMARY = 'postgres-bjprep01';

/** The load-test world (replica limits raised) plus a prepaid primary in the seed primary's zone. */
export const benchWorld = (): World => {
  const world = readWorldFile(LOAD_TEST_WORLD_PATH);
  const seed = world.primaries.find((primary) => primary.id === POSTPAID_PRIMARY);
  if (!seed) throw new Error(`the load-test world has no ${POSTPAID_PRIMARY}`);
  return {
    ...world,
    primaries: [
      ...world.primaries,
      { ...seed, id: PREPAID_PRIMARY, name: 'bench-prepaid', chargeType: 'PREPAID', privateIp: '10.0.0.11' },
    ],
  };
};

/** Emulator timings with no provisioning delay: orders, listing and `running` at once. */
export const NO_PROVISIONING_DELAY = {
  orderVisibleAfterMs: 0,
  orderIdsLagMs: 0,
  listedAfterMs: 0,
  applyingMs: 0,
  initingMs: 0,
} as const;

/**
 * Names the compiled services worker in a bench task process (`run-task-process.ts` sets it): its
 * stack runs dynalite and the SQS server in a worker thread, as DynamoDB and SQS run beside Lambda,
 * not on the functions' event loop. Unset (the in-process smoke test, under Vitest) they share it.
 */
export const SERVICES_WORKER_VARIABLE = 'REPLICA_FLOW_BENCH_SERVICES_WORKER';

export interface BenchStack {
  readonly stack: LocalStack;
  readonly receiver: WebhookReceiver;
  close(): Promise<void>;
}

/**
 * A whole local stack in a temporary folder with the bench world and policy, and a verifying webhook
 * receiver. The poller runs only when a metric says so (`pollIntervalMs`), or through `pollOnce()`.
 */
export const startBenchStack = async (options: Partial<LocalStackOptions> = {}): Promise<BenchStack> => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'replica-flow-bench-'));
  const stack = await startLocalStack({
    dataDir,
    world: benchWorld(),
    policyFile: BENCH_POLICY_FILE,
    pollIntervalMs: 3_600_000,
    ...(process.env[SERVICES_WORKER_VARIABLE]
      ? { servicesWorker: process.env[SERVICES_WORKER_VARIABLE] }
      : {}),
    ...options,
  });
  const receiver = await startWebhookReceiver(stack.credentials.webhookSecret);
  return {
    stack,
    receiver,
    close: async () => {
      await receiver.close();
      await stack.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
};

/** The emulator of a bench stack (always there: the bench never drives real Tencent). */
export const emulatorOf = (stack: LocalStack) => {
  if (!stack.emulator) throw new Error('the bench needs the Tencent emulator');
  return stack.emulator;
};
