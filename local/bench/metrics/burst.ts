import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { emulatorOf, NO_PROVISIONING_DELAY, startBenchStack } from '#local/bench/bench-stack.ts';
import type { CountedUsage } from '#local/bench/cost/cost-model.ts';
import { readDeployedStack } from '#local/bench/cost/deployed-functions.ts';
import { usageMeter, usageSince } from '#local/bench/cost/usage-meter.ts';
import { atMost, type Measurement, measurement, ratioAtMost, reportOnly } from '#local/bench/measurement.ts';
import { pacedBareCreates } from '#local/bench/metrics/paced-bare-creates.ts';
import { submitAndWait } from '#local/bench/submit-requests.ts';
import { BURST_CREATE_CONSUMERS } from '#local/stack/local-stack.ts';
import { DEFAULT_TENCENT_RATE_LIMITS } from '#shared/adapters/tencent/rate-limiter.ts';

/**
 * - `limiter`: the emulator at the create limit, the client-side token bucket at 90 % of it (as deployed);
 * - `no-limiter`: the same limit, no client-side limiter (the baseline: throttled creates retry);
 * - `no-limits`: neither (how fast this machine's local stack takes the burst on its own).
 */
export type BurstMode = 'limiter' | 'no-limiter' | 'no-limits';

export interface BurstOptions {
  readonly requests: number;
  /** The emulator's CreateReadOnlyDBInstance limit (Tencent's is 100 a second). */
  readonly createLimit: number;
  readonly mode: BurstMode;
}

export interface BurstResult extends BurstOptions {
  /** Seconds from the first submission until the last request was recorded SUBMITTED. */
  readonly seconds: number;
  readonly submitted: number;
  readonly createCalls: number;
  readonly throttled: number;
  readonly failed: number;
  readonly replicasCreated: number;
  readonly states: Readonly<Record<string, number>>;
  /** This process's peak resident set (the whole local stack and the load driver), bytes. */
  readonly peakRssBytes: number;
  /** The heap still in use after the burst once garbage is collected (what the stack kept), bytes. */
  readonly liveHeapBytes: number;
  /** `limiter` only: the same creates through the bare SDK, paced by the same limiter (the same-run baseline). */
  readonly pacedBareSeconds?: number;
  /** `limiter` only: the AWS calls counted (`cost/usage-meter.ts`). */
  readonly usage?: BurstUsage;
}

export interface BurstUsage {
  /** Requests carried from POST to webhook. */
  readonly requests: number;
  /** Ingest, validate and create until the last request was SUBMITTED. */
  readonly intake: CountedUsage;
  /** The poll cycles that found the replicas running (READY), and notify sending the webhooks. */
  readonly finishing: CountedUsage;
  /** Poll cycles `finishing` took. */
  readonly finishingCycles: number;
  /** One poll cycle with nothing in flight. */
  readonly idleCycle: CountedUsage;
}

/** Collects garbage now (the flag is set at run time, so the bench process needs no option). */
const collectGarbage = (): void => {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
};

/**
 * `requests` replica requests submitted at once to a local stack whose emulator provisions
 * instantly; waits until all are SUBMITTED. Run in a process of its own (`npm run bench`), so the
 * peak RSS is the stack's (plus the small load driver).
 */
export const runBurst = async (options: BurstOptions): Promise<BurstResult> => {
  const createPerSecond = options.createLimit * (DEFAULT_TENCENT_RATE_LIMITS.createPerSecond / 100);
  const limits = { createPerSecond, describePerSecond: DEFAULT_TENCENT_RATE_LIMITS.describePerSecond };
  // In every mode, so the three runs do the same work (the meter asks dynalite for consumed capacity);
  // only the limited one reports what it counted.
  const meter = usageMeter(readDeployedStack());
  const bench = await startBenchStack({
    observe: meter.observer,
    tencentRateLimits: options.mode === 'limiter' ? limits : false,
    // As deployed (serverless.yml's pollSchedule, 1 minute), so no cycle runs during the burst: in AWS
    // the poller and notify run in their own functions and never slow the creates down, while here
    // they would share this machine's two cores with them (time-to-notify measures them).
    pollIntervalMs: 60_000,
    createConsumers: BURST_CREATE_CONSUMERS,
  });
  try {
    const emulator = emulatorOf(bench.stack);
    emulator.setTimings(NO_PROVISIONING_DELAY);
    emulator.setRateLimits(
      options.mode === 'no-limits'
        ? { enabled: false }
        : { enabled: true, limits: { CreateReadOnlyDBInstance: options.createLimit } },
    );
    const ideal = options.requests / options.createLimit;
    // The idle cycle's second run is counted (the first opens the connections).
    await bench.stack.pollOnce();
    const beforeIdle = meter.snapshot();
    await bench.stack.pollOnce();
    const idleCycle = usageSince(meter.snapshot(), beforeIdle);
    const beforeIntake = meter.snapshot();
    const outcome = await submitAndWait(bench, {
      count: options.requests,
      // A give-up, not a measurement: on a machine loaded by other work the burst took over 60 s.
      deadlineMs: Math.max(240_000, ideal * 24_000),
      // Every request names a webhook, so notify's work is counted too.
      callbackUrl: bench.receiver.url,
    });
    const intake = usageSince(meter.snapshot(), beforeIntake);
    const creates = emulator.calls().byAction.CreateReadOnlyDBInstance;
    const peakRssBytes = process.resourceUsage().maxRSS * 1024;
    collectGarbage();
    const liveHeapBytes = process.memoryUsage().heapUsed;
    let extra: Pick<BurstResult, 'pacedBareSeconds' | 'usage'> = {};
    if (options.mode === 'limiter') {
      const beforeFinishing = meter.snapshot();
      const finishingCycles = await finishRequests(bench, outcome.submittedAt.length);
      const finishing = usageSince(meter.snapshot(), beforeFinishing);
      // The emulator's one-second windows start afresh.
      await sleep(1000);
      const pacedBareSeconds = await pacedBareCreates(emulator, {
        count: options.requests,
        limits,
        concurrency: BURST_CREATE_CONSUMERS.maxConcurrency ?? 16,
      });
      extra = {
        pacedBareSeconds,
        usage: { requests: outcome.submittedAt.length, intake, finishing, finishingCycles, idleCycle },
      };
    }
    return {
      ...options,
      seconds: (Math.max(...outcome.submittedAt) - outcome.startedAt) / 1000,
      submitted: outcome.submittedAt.length,
      createCalls: creates?.total ?? 0,
      throttled: creates?.outcomes.RequestLimitExceeded ?? 0,
      failed: outcome.states.FAILED ?? 0,
      replicasCreated: outcome.replicasCreated,
      states: outcome.states,
      peakRssBytes,
      liveHeapBytes,
      ...extra,
    };
  } finally {
    await bench.close();
  }
};

/**
 * Runs poll cycles until every submitted request's webhook arrived (the replicas run at once); answers
 * the cycles it took. A cycle that fails (on a loaded machine, one over 1000 requests can outlast the
 * local 60-s timeout) is followed by the next, as the schedule does in AWS; its calls still count.
 */
const finishRequests = async (bench: Awaited<ReturnType<typeof startBenchStack>>, submitted: number) => {
  const delivered = () =>
    bench.receiver.received.filter((webhook) => webhook.payload.type === 'replica.ready').length;
  let cycles = 0;
  // A webhook whose attempt failed on a loaded machine (its receiver answered late) comes back through
  // the notify queue after its backoff, not through another cycle: wait for it too, within the deadline.
  const giveUpAt = Date.now() + 600_000;
  while (delivered() < submitted && Date.now() < giveUpAt) {
    const before = delivered();
    let queued = 0;
    if (cycles < 10) {
      cycles += 1;
      try {
        queued = (await bench.stack.pollOnce()).notificationsQueued;
      } catch {
        // The next cycle does the same work.
      }
    }
    const deadline = Date.now() + (queued > 0 ? 120_000 : 5000);
    while (delivered() < Math.max(before + queued, before + 1) && Date.now() < deadline) await sleep(100);
  }
  if (delivered() < submitted) {
    throw new Error(`the burst's cost: ${delivered()} of ${submitted} webhooks arrived`);
  }
  return cycles;
};

const MIB = 1024 * 1024;

/**
 * The burst may take at most this × its same-run baseline (`paced-bare-creates.ts`), the issue's
 * first factor: at a limit the local stack can carry (FULL_SCALE's 50/s) three runs measured
 * 1.054–1.059 (docs/performance.md, "Burst").
 */
export const BURST_RATIO_LIMIT = 1.25;

export interface BurstRuns {
  readonly limiter: BurstResult;
  readonly noLimiter: BurstResult;
  readonly noLimits: BurstResult;
}

/**
 * The burst's measurements. Time: held against the same-run baseline, the same creates through the
 * bare SDK paced by the same limiter (`paced-bare-creates.ts`), so a slow phase of the machine slows
 * both; reported against the ideal (N ÷ limit) and the stack's own speed with no limit.
 */
export const burstMeasurements = ({ limiter, noLimiter, noLimits }: BurstRuns): Measurement[] => {
  const n = limiter.requests;
  const ideal = n / limiter.createLimit;
  const share = (result: BurstResult) =>
    result.createCalls ? (100 * result.throttled) / result.createCalls : 0;
  const missing = (result: BurstResult) => result.failed + (n - result.submitted);
  return [
    measurement({
      metric: `burst.seconds-to-all-submitted.n${n}`,
      // Until the last request SUBMITTED; one that never got there fails `burst.failed`.
      value: limiter.seconds,
      unit: 's',
      baseline: limiter.pacedBareSeconds ?? null,
      target: ratioAtMost(BURST_RATIO_LIMIT),
    }),
    measurement({
      // The first wording (≤ 1.25 × the ideal): its verdict flipped with the machine's phase.
      metric: `burst.seconds-vs-ideal.n${n}`,
      value: limiter.seconds,
      unit: 's',
      baseline: ideal,
      target: reportOnly,
    }),
    measurement({
      metric: `burst.seconds-vs-no-limits.n${n}`,
      value: limiter.seconds,
      unit: 's',
      baseline: noLimits.seconds,
      target: reportOnly,
    }),
    measurement({
      metric: `burst.throttled-share-of-creates.n${n}`,
      value: share(limiter),
      unit: '%',
      baseline: share(noLimiter),
      target: atMost(1),
    }),
    measurement({
      metric: `burst.failed.n${n}`,
      value: missing(limiter),
      unit: 'requests',
      baseline: missing(noLimiter),
      target: atMost(0),
    }),
    // No duplicate: exactly one replica per request (a missing one counts in `burst.failed`).
    measurement({
      metric: `burst.replicas-created.n${n}`,
      value: limiter.replicasCreated,
      unit: 'replicas',
      baseline: n,
      target: atMost(n),
    }),
    measurement({
      // The target, held as written (300 MB): not met on this machine yet (docs/performance.md).
      metric: `memory.peak-rss-during-burst.n${n}`,
      value: limiter.peakRssBytes / MIB,
      unit: 'MiB',
      baseline: noLimiter.peakRssBytes / MIB,
      target: atMost(300_000_000 / MIB),
    }),
    measurement({
      metric: `memory.live-heap-after-burst.n${n}`,
      value: limiter.liveHeapBytes / MIB,
      unit: 'MiB',
      baseline: noLimiter.liveHeapBytes / MIB,
      target: atMost(100),
    }),
  ];
};
