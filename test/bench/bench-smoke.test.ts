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

  it('holds the pipeline to its floor and reports floor and pipeline against the bare create calls', () => {
    const pipeline = measurements.filter((measurement) => measurement.metric.startsWith('pipeline.'));

    expect(pipeline.map(({ metric, unit, target }) => ({ metric, unit, target }))).toEqual([
      { metric: 'pipeline.requests-per-second.n10', unit: 'req/s', target: '≥ 0.5 × baseline' },
      { metric: 'pipeline.floor-vs-bare-create.n10', unit: 'req/s', target: '—' },
      { metric: 'pipeline.requests-per-second-vs-bare-create.n10', unit: 'req/s', target: '—' },
    ]);
    const [held, floor, literal] = pipeline;
    // Every request stored its DealNames (else the value is 0), and both baselines were measured.
    expect(held?.value).toBeGreaterThan(0);
    expect(held?.baseline).toBe(floor?.value);
    expect(floor?.baseline).toBeGreaterThan(0);
    expect(literal).toMatchObject({ value: held?.value, baseline: floor?.baseline, pass: true });
  });
});
