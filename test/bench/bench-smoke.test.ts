import { describe, expect, it } from 'vitest';
import { SMOKE_SCALE } from '#local/bench/bench-metrics.ts';
import { markdownTable } from '#local/bench/bench-report.ts';
import { runTaskInProcess } from '#local/bench/bench-tasks.ts';
import type { Measurement } from '#local/bench/measurement.ts';
import { runBench } from '#local/bench/run-bench.ts';

/**
 * `npm run bench` at toy sizes, in this process: every metric still runs end to end on a local
 * stack, so the bench cannot rot. Only counts are held to their targets here; times depend on the
 * machine and are checked by the full bench alone.
 */
describe('npm run bench, smoke-sized', () => {
  let measurements: Measurement[] = [];

  it('runs every metric and reports each as {metric, value, unit, baseline, ratio, target, pass}', async () => {
    measurements = await runBench({ scale: SMOKE_SCALE, runTask: runTaskInProcess });

    const families = new Set(measurements.map((measurement) => measurement.metric.split('.')[0]));
    expect([...families]).toEqual(['poll', 'burst', 'memory', 'pipeline', 'notify', 'cold-start']);
    for (const measurement of measurements) {
      expect(Object.keys(measurement)).toEqual([
        'metric',
        'value',
        'unit',
        'baseline',
        'ratio',
        'target',
        'pass',
      ]);
      expect(typeof measurement.value).toBe('number');
      expect(measurement.unit).not.toBe('');
      expect(typeof measurement.pass).toBe('boolean');
      if (measurement.baseline !== null && measurement.baseline !== 0) {
        expect(measurement.ratio).toBeCloseTo(measurement.value / measurement.baseline, 2);
      }
    }
    expect(markdownTable(measurements).split('\n')).toHaveLength(measurements.length + 2);
  }, 60_000);

  it('meets every count-based target: Tencent calls, store reads, throttling, failures, duplicates, webhooks', () => {
    const counted = measurements.filter((measurement) =>
      /^(poll\.|burst\.(throttled|failed|replicas)|notify\.webhooks-missing)/.test(measurement.metric),
    );

    expect(counted.map((measurement) => measurement.metric)).toEqual([
      'poll.tencent-calls.n10',
      'poll.tencent-calls.n150',
      'poll.store-reads-per-in-flight.n20-of-220',
      'burst.throttled-share-of-creates.n20',
      'burst.failed.n20',
      'burst.replicas-created.n20',
      'notify.webhooks-missing.n3',
    ]);
    for (const measurement of counted) expect(measurement, measurement.metric).toMatchObject({ pass: true });
    // One cycle over 150 in flight, 75 of them prepaid: 2 DescribeDBInstances + 1 DescribeOrders.
    expect(counted[1]).toMatchObject({ value: 3, baseline: 150 + 75 });
  });
});
