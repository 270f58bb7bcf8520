import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { emulatorOf, NO_PROVISIONING_DELAY, startBenchStack } from '#local/bench/bench-stack.ts';
import { atMost, type Measurement, measurement, ratioAtMost } from '#local/bench/measurement.ts';
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
  const bench = await startBenchStack({
    tencentRateLimits:
      options.mode === 'limiter'
        ? { createPerSecond, describePerSecond: DEFAULT_TENCENT_RATE_LIMITS.describePerSecond }
        : false,
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
    const outcome = await submitAndWait(bench, {
      count: options.requests,
      deadlineMs: Math.max(60_000, ideal * 6000),
    });
    const creates = emulator.calls().byAction.CreateReadOnlyDBInstance;
    const peakRssBytes = process.resourceUsage().maxRSS * 1024;
    collectGarbage();
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
      liveHeapBytes: process.memoryUsage().heapUsed,
    };
  } finally {
    await bench.close();
  }
};

const MIB = 1024 * 1024;

export interface BurstRuns {
  readonly limiter: BurstResult;
  readonly noLimiter: BurstResult;
  readonly noLimits: BurstResult;
}

/**
 * The burst's measurements. Time: against the bound that binds — Tencent's limit (the ideal
 * N ÷ limit) or, where this machine's local stack cannot even go that fast, the same burst with no
 * limit at all (docs/performance.md: the ideal alone assumes a stack faster than 100/s).
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
      baseline: Math.max(ideal, noLimits.seconds),
      target: ratioAtMost(1.25),
    }),
    measurement({
      // The target, held as written: not met on this machine yet (docs/performance.md).
      metric: `burst.seconds-vs-ideal.n${n}`,
      value: limiter.seconds,
      unit: 's',
      baseline: ideal,
      target: ratioAtMost(1.25),
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
