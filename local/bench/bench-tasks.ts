import { type BurstOptions, runBurst } from '#local/bench/metrics/burst.ts';
import { runColdStart } from '#local/bench/metrics/cold-start.ts';
import { runPipelineOverhead } from '#local/bench/metrics/pipeline-overhead.ts';
import { runPollCalls } from '#local/bench/metrics/poll-calls.ts';
import { runRemovalCalls, runRemovalPollCalls } from '#local/bench/metrics/removal-calls.ts';
import { runStoreReads } from '#local/bench/metrics/store-reads.ts';
import { runTimeToNotify, type TimeToNotifyOptions } from '#local/bench/metrics/time-to-notify.ts';

/**
 * The bench's units of work, each run in a process of its own by `npm run bench` (a fresh heap, so
 * one task's garbage and warm JIT never help or hurt the next, and a burst's peak RSS is its own)
 * and in-process by the smoke test. Arguments and results are JSON.
 */
export const BENCH_TASKS = {
  'poll-calls': (args: { inFlight: number }) => runPollCalls(args),
  'store-reads': (args: { inFlight: number; finished: number }) => runStoreReads(args),
  burst: (args: BurstOptions) => runBurst(args),
  pipeline: (args: { requests: number }) => runPipelineOverhead(args),
  'time-to-notify': (args: TimeToNotifyOptions) => runTimeToNotify(args),
  'cold-start': (args: Parameters<typeof runColdStart>[0]) => runColdStart(args),
  'removal-calls': (args: { removals: number }) => runRemovalCalls(args),
  'removal-poll-calls': (args: { inFlight: number }) => runRemovalPollCalls(args),
} as const;

export type BenchTaskName = keyof typeof BENCH_TASKS;
export type BenchTaskArgs<Name extends BenchTaskName> = Parameters<(typeof BENCH_TASKS)[Name]>[0];
export type BenchTaskResult<Name extends BenchTaskName> = Awaited<ReturnType<(typeof BENCH_TASKS)[Name]>>;

/** How a metric runs a task: in a child process (`npm run bench`) or in this one (the smoke test). */
export type RunTask = <Name extends BenchTaskName>(
  name: Name,
  args: BenchTaskArgs<Name>,
) => Promise<BenchTaskResult<Name>>;

export const runTaskInProcess: RunTask = (name, args) =>
  (BENCH_TASKS[name] as (args: unknown) => Promise<never>)(args);
