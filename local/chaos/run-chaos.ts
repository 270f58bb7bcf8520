import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { chaosRandom } from '#local/chaos/chaos-random.ts';
import { type ChaosReport, chaosReport } from '#local/chaos/chaos-report.ts';
import { crashInjector } from '#local/chaos/crash-injector.ts';
import { duplicateDeliveries } from '#local/chaos/duplicate-deliveries.ts';
import { chaosFaultPlan } from '#local/chaos/fault-plan.ts';
import { overlappingPollers } from '#local/chaos/overlapping-pollers.ts';
import { chaosWorkload, type Submission } from '#local/chaos/workload.ts';
import { ApiCallError, apiClient } from '#local/cli/api-client.ts';
import { startLocalStack } from '#local/stack/local-stack.ts';
import { startWebhookReceiver } from '#local/stack/webhook-receiver.ts';
import type { Settings } from '#shared/config/dependencies.ts';
import { assertExactlyOnceTimings } from '#shared/config/exactly-once-timings.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import { isTerminal } from '#shared/domain/request-state.ts';

export interface ChaosRunOptions {
  readonly requests: number;
  readonly seed: number;
  /** How long to wait for every request to end and be told (default grows with `requests`). */
  readonly deadlineMs?: number;
  /** Progress lines (to stderr from the CLI). */
  readonly log?: (line: string) => void;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const WORLD_FILE = path.join(here, '../tencent-emulator/worlds/load-test.json');
const POLICY_FILE = path.join(here, 'chaos-policy.yaml');

/** The Tencent client's timeout; `Delay` faults hold answers longer than this. */
const TENCENT_TIMEOUT_SECONDS = 1;
const DELAY_FAULT_MS = 1500;
const POLL_INTERVAL_MS = 250;

/**
 * The workflow's tunables, shortened so a run takes seconds: the grace period stays longer than
 * 1.5 × the longest listing delay the run sets (checked), the lease twice the Tencent timeout. The
 * provisioning deadline (how long a `ProvisioningStuck` replica takes to end TIMED_OUT) grows with
 * the run, so a large run's queue backlog does not time out healthy requests.
 */
export const chaosSettings = (requests: number): Partial<Settings> => ({
  ...CHAOS_SETTINGS,
  provisioningTimeoutMs: 8000 + requests * 20,
});

const CHAOS_SETTINGS: Partial<Settings> = {
  visibilityGraceMs: 2000,
  leaseMs: 2500,
  requeueAfterMs: 3000,
  pollLockMs: 10_000,
  webhookRetryWindowMs: 120_000,
  retryBackoff: { baseSeconds: 1, maxSeconds: 2 },
};

/** Emulator timings: provisioning in under a second; order and listing delays change during the run. */
const PROVISIONING_TIMINGS = { applyingMs: 300, initingMs: 500 };
const MAX_LISTING_DELAY_MS = 1000;

const SUBMIT_CONCURRENCY = 16;

/**
 * One chaos run: a local stack with a faulty Tencent emulator, crashing create handlers, duplicate
 * and concurrent deliveries, overlapping pollers, delays in order and instance visibility, and a
 * webhook receiver that is down for a while and flaky afterwards. Waits until every request has
 * ended and been told (or the deadline), then counts from Tencent's side and the records.
 */
export const runChaos = async (options: ChaosRunOptions): Promise<ChaosReport> => {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const random = chaosRandom(options.seed);
  const plan = chaosFaultPlan(random.fork('faults'), { delayMs: DELAY_FAULT_MS, requests: options.requests });
  const dataDir = await mkdtemp(path.join(tmpdir(), 'replica-flow-chaos-'));
  let redeliver: (requestId: string) => void = () => undefined;
  const crashes = crashInjector(random.fork('crashes'), plan.crashProbability, (requestId) =>
    redeliver(requestId),
  );
  const stack = await startLocalStack({
    dataDir,
    world: WORLD_FILE,
    policyFile: POLICY_FILE,
    pollIntervalMs: POLL_INTERVAL_MS,
    settings: chaosSettings(options.requests),
    tencentTimeoutSeconds: TENCENT_TIMEOUT_SECONDS,
    afterCreateCall: crashes.afterCreateCall,
  });
  const receiver = await startWebhookReceiver(stack.credentials.webhookSecret);
  const stopped = new AbortController();
  const background: Promise<unknown>[] = [];
  try {
    const emulator = stack.emulator;
    if (!emulator) throw new Error('the chaos run needs the Tencent emulator');
    const settings = stack.dependencies.settings;
    const timingsRandom = random.fork('timings');
    const changeVisibility = () => {
      const listedAfterMs = timingsRandom.int(100, MAX_LISTING_DELAY_MS);
      assertExactlyOnceTimings(
        { ...settings, listingDelayMs: listedAfterMs, tencentTimeoutMs: TENCENT_TIMEOUT_SECONDS * 1000 },
        'chaos timings',
      );
      emulator.setTimings({
        ...PROVISIONING_TIMINGS,
        listedAfterMs,
        orderVisibleAfterMs: timingsRandom.int(100, MAX_LISTING_DELAY_MS),
        orderIdsLagMs: timingsRandom.int(0, 300),
      });
    };
    changeVisibility();
    emulator.addFaults(plan.emulator);
    redeliver = (requestId) => {
      void stack.dependencies.queue.send('create', { requestId }).catch(() => undefined);
    };

    const receiverRandom = random.fork('receiver');
    background.push(
      (async () => {
        await sleep(plan.receiver.outageStartMs, undefined, { signal: stopped.signal });
        receiver.outage(plan.receiver.outageMs);
        log(`webhook receiver down for ${plan.receiver.outageMs} ms`);
        await sleep(plan.receiver.outageMs, undefined, { signal: stopped.signal });
        receiver.flaky(plan.receiver.flakiness, receiverRandom.next);
        log(`webhook receiver back, failing ${Math.round(plan.receiver.flakiness * 100)} % of deliveries`);
      })().catch(() => undefined),
      every(700, stopped.signal, async () => changeVisibility()),
    );
    const pollers = overlappingPollers(stack);
    background.push(every(400, stopped.signal, () => pollers.round()));

    const duplicates = duplicateDeliveries(stack, { afterCall: crashes.afterCreateCall }, random.fork('dup'));
    const dupRandom = random.fork('dup-schedule');
    const duplicateRuns: Promise<unknown>[] = [];

    const api = apiClient(stack.ingressUrl, stack.credentials.apiKey);
    const runId = randomUUID().slice(0, 8);
    const submissions = chaosWorkload(random.fork('workload'), {
      count: options.requests,
      callbackUrl: receiver.url,
      runId,
    });
    log(`submitting ${submissions.length} requests`);
    const requestIds = new Map<string, string>();
    await forEachLimited(submissions, SUBMIT_CONCURRENCY, async (submission) => {
      const requestId = await submitWithRetry(api, submission);
      if (requestId) requestIds.set(submission.idempotencyKey, requestId);
      if (requestId && dupRandom.chance(plan.duplicateProbability)) {
        const delayMs = dupRandom.int(0, 3000);
        duplicateRuns.push(
          sleep(delayMs)
            .then(() => duplicates.deliver(requestId))
            .catch(() => undefined),
        );
      }
    });
    log(`submitted; waiting for every request to end and be told`);

    const deadline = started + (options.deadlineMs ?? Math.max(60_000, options.requests * 400));
    const records = await waitUntilSettled(stack.dependencies.store, new Set(requestIds.values()), deadline);
    await Promise.allSettled(duplicateRuns);
    stopped.abort();
    await Promise.allSettled(background);
    // Whatever was in flight when the loops stopped (a poll cycle, a direct invocation) has settled.
    const final = await readRecords(stack.dependencies.store, [...records.keys()]);
    const injected = emulator.faults().injected.byKind;
    return chaosReport({
      seed: options.seed,
      submissions,
      requestIds,
      records: final,
      instances: emulator.instances(),
      webhooks: receiver.received,
      faults: {
        ...injected,
        tencentFaultsTotal: emulator.faults().injected.total,
        crashesAfterCreateCall: crashes.crashes(),
        duplicateQueuedCopies: duplicates.counts().queuedCopies,
        concurrentDirectInvocations: duplicates.counts().concurrentInvocations,
        overlappingPollRounds: pollers.counts().rounds,
        pollsSkippedByLock: pollers.counts().skippedByLock,
        locklessPolls: pollers.counts().lockless,
        webhookFailuresAnswered: receiver.failures(),
        webhookOutageMs: plan.receiver.outageMs,
        replays: submissions.filter((submission) => submission.replay).length,
      },
      durationMs: Date.now() - started,
    });
  } finally {
    stopped.abort();
    await Promise.allSettled(background);
    await receiver.close();
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
};

/** Runs `work` every `intervalMs` until the signal aborts; one run at a time. */
const every = async (intervalMs: number, signal: AbortSignal, work: () => Promise<unknown>) => {
  while (!signal.aborted) {
    await work().catch(() => undefined);
    await sleep(intervalMs, undefined, { signal }).catch(() => undefined);
  }
};

const forEachLimited = async <T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await work(item);
      }
    }),
  );
};

/** Submits through the HTTP API; a 503 (the store or queue briefly unavailable) is retried with the same key. */
const submitWithRetry = async (
  api: ReturnType<typeof apiClient>,
  submission: Submission,
): Promise<string | undefined> => {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return (await api.submit(submission.body, submission.idempotencyKey)).requestId;
    } catch (error) {
      if (!(error instanceof ApiCallError && error.status === 503) || attempt >= 5) return undefined;
      await sleep(200 * attempt);
    }
  }
};

type Store = Parameters<typeof readRecords>[0];

const readRecords = async (
  store: { get(requestId: string): Promise<RequestRecord | undefined> },
  requestIds: readonly string[],
): Promise<Map<string, RequestRecord | undefined>> => {
  const records = new Map<string, RequestRecord | undefined>();
  await forEachLimited(requestIds, 16, async (requestId) => {
    records.set(requestId, await store.get(requestId));
  });
  return records;
};

const settled = (record: RequestRecord | undefined): boolean =>
  record !== undefined && isTerminal(record.state) && record.notification?.status === 'DELIVERED';

/** Reads the records until every one has ended with its notification delivered, or the deadline. */
const waitUntilSettled = async (
  store: Store,
  requestIds: ReadonlySet<string>,
  deadline: number,
): Promise<Map<string, RequestRecord | undefined>> => {
  const records = new Map<string, RequestRecord | undefined>();
  let open = [...requestIds];
  while (open.length > 0 && Date.now() < deadline) {
    for (const [requestId, record] of await readRecords(store, open)) records.set(requestId, record);
    open = open.filter((requestId) => !settled(records.get(requestId)));
    if (open.length > 0) await sleep(500);
  }
  return records;
};
