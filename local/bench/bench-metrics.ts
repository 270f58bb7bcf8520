import type { RunTask } from '#local/bench/bench-tasks.ts';
import type { Measurement } from '#local/bench/measurement.ts';
import { burstMeasurements } from '#local/bench/metrics/burst.ts';
import { coldStartMeasurements } from '#local/bench/metrics/cold-start.ts';
import {
  benchProvisioningMs,
  costBreakdown,
  costInputsOf,
  costMeasurements,
  costSummary,
} from '#local/bench/metrics/cost.ts';
import { pipelineMeasurements } from '#local/bench/metrics/pipeline-overhead.ts';
import { pollCallsMeasurement } from '#local/bench/metrics/poll-calls.ts';
import { removalCallsMeasurements, removalPollCallsMeasurement } from '#local/bench/metrics/removal-calls.ts';
import { storeReadsMeasurement } from '#local/bench/metrics/store-reads.ts';
import { type TimeToNotifyOptions, timeToNotifyMeasurements } from '#local/bench/metrics/time-to-notify.ts';
import type { FunctionName } from '../../scripts/bundle.ts';

/** How big each measurement is: the sizes for `npm run bench`, tiny ones for the smoke test. */
export interface BenchScale {
  readonly pollCalls: readonly number[];
  /** Removals made one after another (Tencent calls per removal), and removals in flight per poll cycle. */
  readonly removals: { readonly sequential: number; readonly inFlight: readonly number[] };
  readonly storeReads: { readonly inFlight: number; readonly finished: number };
  readonly burst: { readonly requests: number; readonly createLimit: number };
  readonly pipeline: { readonly requests: number };
  readonly notify: TimeToNotifyOptions;
  readonly coldStart: {
    readonly runs: number;
    readonly maxRuns?: number;
    readonly functions?: readonly FunctionName[];
  };
}

export const FULL_SCALE: BenchScale = {
  pollCalls: [10, 100, 1000],
  removals: { sequential: 5, inFlight: [10, 100, 1000] },
  storeReads: { inFlight: 1000, finished: 20_000 },
  // 50/s, not Tencent's 100: this 2-core machine's whole stack takes 1000 requests at 63–82/s with no
  // limit at all, so at 100/s the burst measured its CPU, not the limiter (docs/performance.md, Burst).
  burst: { requests: 1000, createLimit: 50 },
  pipeline: { requests: 500 },
  notify: { requests: 100, pollIntervalMs: 1000, provisioningMs: [2000, 12_000] },
  coldStart: { runs: 11, maxRuns: 21 },
};

export const SMOKE_SCALE: BenchScale = {
  pollCalls: [10, 150],
  removals: { sequential: 1, inFlight: [150] },
  storeReads: { inFlight: 20, finished: 200 },
  burst: { requests: 20, createLimit: 20 },
  pipeline: { requests: 10 },
  notify: { requests: 3, pollIntervalMs: 300, provisioningMs: [200, 400] },
  coldStart: { runs: 1, functions: ['notify'] },
};

export interface BenchMetric {
  readonly name: string;
  run(scale: BenchScale, runTask: RunTask, log?: (line: string) => void): Promise<Measurement[]>;
}

export const BENCH_METRICS: readonly BenchMetric[] = [
  {
    name: 'poll-calls',
    run: async (scale, runTask) => {
      const measurements: Measurement[] = [];
      for (const inFlight of scale.pollCalls) {
        measurements.push(pollCallsMeasurement(await runTask('poll-calls', { inFlight })));
      }
      return measurements;
    },
  },
  {
    name: 'removal-calls',
    run: async (scale, runTask) => {
      const measurements = removalCallsMeasurements(
        await runTask('removal-calls', { removals: scale.removals.sequential }),
      );
      for (const inFlight of scale.removals.inFlight) {
        measurements.push(removalPollCallsMeasurement(await runTask('removal-poll-calls', { inFlight })));
      }
      return measurements;
    },
  },
  {
    name: 'store-reads',
    run: async (scale, runTask) => [storeReadsMeasurement(await runTask('store-reads', scale.storeReads))],
  },
  {
    name: 'burst',
    run: async (scale, runTask, log) => {
      const limiter = await runTask('burst', { ...scale.burst, mode: 'limiter' });
      const noLimiter = await runTask('burst', { ...scale.burst, mode: 'no-limiter' });
      const noLimits = await runTask('burst', { ...scale.burst, mode: 'no-limits' });
      if (limiter.usage) {
        log?.(
          `the burst's AWS cost, counted:\n${costBreakdown(costSummary(costInputsOf(limiter.usage, benchProvisioningMs())))}`,
        );
      }
      return [...burstMeasurements({ limiter, noLimiter, noLimits }), ...costMeasurements(limiter)];
    },
  },
  {
    name: 'pipeline',
    run: async (scale, runTask) => pipelineMeasurements(await runTask('pipeline', scale.pipeline)),
  },
  {
    name: 'time-to-notify',
    run: async (scale, runTask) => timeToNotifyMeasurements(await runTask('time-to-notify', scale.notify)),
  },
  {
    name: 'cold-start',
    run: async (scale, runTask) => coldStartMeasurements(await runTask('cold-start', scale.coldStart)),
  },
];
