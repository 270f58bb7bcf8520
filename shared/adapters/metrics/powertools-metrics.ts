import { Metrics } from '@aws-lambda-powertools/metrics';
import { logger } from '#shared/logger.ts';
import {
  METRIC_DEFINITIONS,
  type MetricDimensions,
  type MetricName,
  type MetricsRecorder,
  type MetricUnit,
} from '#shared/ports/metrics.ts';

export const METRICS_NAMESPACE = 'ReplicaFlow';
export const METRICS_SERVICE = 'replica-flow';

interface Buffered {
  readonly name: MetricName;
  readonly unit: MetricUnit;
  readonly dimensions: Readonly<Record<string, string>>;
  /** Counts are summed into one value; durations keep each value (CloudWatch takes up to 100 a line). */
  readonly values: number[];
}

const pick = (dimensions: Readonly<Record<string, string>>, keys: readonly string[]) =>
  Object.fromEntries(keys.map((key) => [key, dimensions[key] || 'unknown']));

const keyOf = (dimensions: Readonly<Record<string, string>>) =>
  JSON.stringify(Object.entries(dimensions).sort(([a], [b]) => a.localeCompare(b)));

/**
 * The metrics port on Powertools Metrics: CloudWatch Embedded Metric Format lines on stdout, which
 * Lambda's log stream turns into metrics (no API call, no IAM permission). Namespace from
 * `POWERTOOLS_METRICS_NAMESPACE` (default `ReplicaFlow`); `POWERTOOLS_METRICS_DISABLED=true` (the local
 * stack, the tests) prints nothing.
 *
 * One Powertools buffer holds one set of dimension values, while an invocation records several (a
 * poll cycle calls DescribeOrders and DescribeDBInstances; a batch ends requests from several
 * sources). So values are buffered here per dimension values and written at `flush` as one EMF line
 * per set of values, each metric once with its values summed (counts) or listed (durations). A
 * metric's roll-ups (`METRIC_DEFINITIONS`) are lines of their own: the same value under fewer
 * dimensions is another CloudWatch metric, so nothing is counted twice.
 */
export const createPowertoolsMetrics = (
  emitter: Metrics = new Metrics({
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || METRICS_NAMESPACE,
    serviceName: process.env.POWERTOOLS_SERVICE_NAME || METRICS_SERVICE,
  }),
): MetricsRecorder => {
  const buffered = new Map<string, Buffered>();

  const buffer = (
    name: MetricName,
    unit: MetricUnit,
    dimensions: Readonly<Record<string, string>>,
    value: number,
  ) => {
    const key = `${name} ${keyOf(dimensions)}`;
    const entry = buffered.get(key) ?? { name, unit, dimensions, values: [] };
    buffered.set(key, entry);
    if (unit === 'Count' && entry.values.length > 0) entry.values[0] = (entry.values[0] ?? 0) + value;
    else entry.values.push(value);
  };

  return {
    add: <Name extends MetricName>(name: Name, dimensions: MetricDimensions<Name>, value = 1) => {
      const definition = METRIC_DEFINITIONS[name];
      const given = dimensions as Readonly<Record<string, string>>;
      buffer(name, definition.unit, pick(given, definition.dimensions), value);
      for (const rollUp of definition.rollUps) buffer(name, definition.unit, pick(given, rollUp), value);
    },
    flush: () => {
      const lines = new Map<string, Buffered[]>();
      for (const entry of buffered.values()) {
        const key = keyOf(entry.dimensions);
        lines.set(key, [...(lines.get(key) ?? []), entry]);
      }
      buffered.clear();
      for (const entries of lines.values()) {
        try {
          for (const [name, value] of Object.entries(entries[0]?.dimensions ?? {})) {
            emitter.addDimension(name, value);
          }
          for (const entry of entries) {
            for (const value of entry.values) emitter.addMetric(entry.name, entry.unit, value);
          }
          emitter.publishStoredMetrics();
        } catch (error) {
          // A metric that cannot be written must never fail the invocation that recorded it.
          emitter.clearMetrics();
          emitter.clearDimensions();
          logger.warn('metrics: could not write a metrics line', {
            error: error instanceof Error ? error.message : String(error),
          });
        }
      }
    },
  };
};
