import { emulatorOf, NO_PROVISIONING_DELAY, startBenchStack } from '#local/bench/bench-stack.ts';
import { atMost, type Measurement, measurement, ratioAtMost } from '#local/bench/measurement.ts';
import { submitAndWait } from '#local/bench/submit-requests.ts';
import { DEFAULT_TENCENT_RATE_LIMITS } from '#shared/adapters/tencent/rate-limiter.ts';

export interface BurstOptions {
  readonly requests: number;
  /** The emulator's CreateReadOnlyDBInstance limit (Tencent's is 100 a second). */
  readonly createLimit: number;
  /** With the client-side rate limiter (at 90 % of the limit, as deployed), or without (the baseline). */
  readonly limiter: boolean;
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
}

/**
 * `requests` replica requests submitted at once to a local stack whose emulator enforces the create
 * limit and provisions instantly; waits until all are SUBMITTED. Run in a process of its own, so the
 * peak RSS is the stack's (plus the small load driver).
 */
export const runBurst = async (options: BurstOptions): Promise<BurstResult> => {
  const createPerSecond = options.createLimit * (DEFAULT_TENCENT_RATE_LIMITS.createPerSecond / 100);
  const bench = await startBenchStack({
    tencentRateLimits: options.limiter
      ? { createPerSecond, describePerSecond: DEFAULT_TENCENT_RATE_LIMITS.describePerSecond }
      : false,
    pollIntervalMs: Number(process.env.BENCH_POLL_MS ?? 2000),
  });
  try {
    const emulator = emulatorOf(bench.stack);
    emulator.setTimings(NO_PROVISIONING_DELAY);
    emulator.setRateLimits({ enabled: true, limits: { CreateReadOnlyDBInstance: options.createLimit } });
    const ideal = options.requests / options.createLimit;
    const outcome = await submitAndWait(bench, {
      count: options.requests,
      deadlineMs: Math.max(60_000, ideal * 6000),
    });
    const creates = emulator.calls().byAction.CreateReadOnlyDBInstance;
    return {
      ...options,
      seconds: (Math.max(...outcome.submittedAt) - outcome.startedAt) / 1000,
      submitted: outcome.submittedAt.length,
      createCalls: creates?.total ?? 0,
      throttled: creates?.outcomes.RequestLimitExceeded ?? 0,
      failed: outcome.states.FAILED ?? 0,
      replicasCreated: outcome.replicasCreated,
      states: outcome.states,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
    };
  } finally {
    await bench.close();
  }
};

const MIB = 1024 * 1024;

/** The burst's measurements: the run with the limiter against the same burst without it. */
export const burstMeasurements = (measured: BurstResult, baseline: BurstResult): Measurement[] => {
  const ideal = measured.requests / measured.createLimit;
  const share = (result: BurstResult) =>
    result.createCalls ? (100 * result.throttled) / result.createCalls : 0;
  const n = measured.requests;
  return [
    measurement({
      metric: `burst.seconds-to-all-submitted.n${n}`,
      // Until the last request SUBMITTED; one that never got there fails `burst.failed`.
      value: measured.seconds,
      unit: 's',
      baseline: ideal,
      target: ratioAtMost(1.25),
    }),
    measurement({
      metric: `burst.throttled-share-of-creates.n${n}`,
      value: share(measured),
      unit: '%',
      baseline: share(baseline),
      target: atMost(1),
    }),
    measurement({
      metric: `burst.failed.n${n}`,
      value: measured.failed + (n - measured.submitted),
      unit: 'requests',
      baseline: baseline.failed + (n - baseline.submitted),
      target: atMost(0),
    }),
    // No duplicate: exactly one replica per request (a missing one counts in `burst.failed`).
    measurement({
      metric: `burst.replicas-created.n${n}`,
      value: measured.replicasCreated,
      unit: 'replicas',
      baseline: n,
      target: atMost(n),
    }),
    measurement({
      metric: `memory.peak-rss-during-burst.n${n}`,
      value: measured.peakRssBytes / MIB,
      unit: 'MiB',
      baseline: baseline.peakRssBytes / MIB,
      target: atMost(300),
    }),
  ];
};
