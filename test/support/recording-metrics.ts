import type { MetricDimensions, MetricName, MetricsRecorder } from '#shared/ports/metrics.ts';

export interface RecordedMetric {
  readonly name: MetricName;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A metrics port that keeps what it was given: each value, and each flush with what it held. */
export const recordingMetrics = () => {
  const recorded: RecordedMetric[] = [];
  const flushes: RecordedMetric[][] = [];
  let pending: RecordedMetric[] = [];
  const metrics: MetricsRecorder = {
    add: <Name extends MetricName>(name: Name, dimensions: MetricDimensions<Name>, value = 1) => {
      const entry = { name, dimensions: { ...dimensions } as Record<string, string>, value };
      recorded.push(entry);
      pending.push(entry);
    },
    flush: () => {
      flushes.push(pending);
      pending = [];
    },
  };
  /** The sum of `name`'s values whose dimensions include every one given. */
  const total = (name: MetricName, dimensions: Readonly<Record<string, string>> = {}) =>
    recorded
      .filter(
        (entry) =>
          entry.name === name &&
          Object.entries(dimensions).every(([key, value]) => entry.dimensions[key] === value),
      )
      .reduce((sum, entry) => sum + entry.value, 0);
  return { metrics, recorded, flushes, total };
};
