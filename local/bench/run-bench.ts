import { BENCH_METRICS, type BenchScale } from '#local/bench/bench-metrics.ts';
import type { RunTask } from '#local/bench/bench-tasks.ts';
import type { Measurement } from '#local/bench/measurement.ts';

export interface BenchOptions {
  readonly scale: BenchScale;
  readonly runTask: RunTask;
  /** Metric names to run (default all). */
  readonly only?: readonly string[];
  /** Called with each metric's measurements as soon as it has them. */
  readonly onMeasurements?: (measurements: readonly Measurement[]) => void;
  readonly log?: (line: string) => void;
}

/** Runs the metrics one after another; a metric that throws fails the run. */
export const runBench = async (options: BenchOptions): Promise<Measurement[]> => {
  const unknown = (options.only ?? []).filter(
    (name) => !BENCH_METRICS.some((metric) => metric.name === name),
  );
  if (unknown.length > 0) {
    throw new Error(
      `unknown metric(s) ${unknown.join(', ')}; known: ${BENCH_METRICS.map((m) => m.name).join(', ')}`,
    );
  }
  const all: Measurement[] = [];
  for (const metric of BENCH_METRICS) {
    if (options.only && !options.only.includes(metric.name)) continue;
    const started = Date.now();
    options.log?.(`${metric.name}…`);
    const measurements = await metric.run(options.scale, options.runTask, options.log);
    options.log?.(`${metric.name} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    options.onMeasurements?.(measurements);
    all.push(...measurements);
  }
  return all;
};
