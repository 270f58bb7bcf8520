import { describe, expect, it } from 'vitest';
import { SMOKE_SCALE } from '#local/bench/bench-metrics.ts';
import { markdownTable } from '#local/bench/bench-report.ts';
import { runTaskInProcess } from '#local/bench/bench-tasks.ts';
import type { Measurement } from '#local/bench/measurement.ts';
import { BURST_RATIO_LIMIT } from '#local/bench/metrics/burst.ts';
import { NOTIFY_RATIO_LIMIT } from '#local/bench/metrics/time-to-notify.ts';
import { runBench } from '#local/bench/run-bench.ts';

/**
 * `npm run bench` at toy sizes, in this process: every metric still runs end to end on a local
 * stack, so the bench cannot rot. Only counts are held to their targets here; times depend on the
 * machine and are checked by the full bench alone.
 */
describe('npm run bench, smoke-sized', () => {
  let measurements: Measurement[] = [];
  const logged: string[] = [];

  it('runs every metric and reports each as {metric, value, unit, baseline, ratio, spread, target, pass, verdict}', async () => {
    measurements = await runBench({
      scale: SMOKE_SCALE,
      runTask: runTaskInProcess,
      log: (line) => logged.push(line),
    });

    const families = new Set(measurements.map((measurement) => measurement.metric.split('.')[0]));
    expect([...families]).toEqual([
      'poll',
      'removal',
      'burst',
      'memory',
      'cost',
      'pipeline',
      'notify',
      'cold-start',
    ]);
    for (const measurement of measurements) {
      expect(Object.keys(measurement)).toEqual([
        'metric',
        'value',
        'unit',
        'baseline',
        'ratio',
        'spread',
        'target',
        'pass',
        'verdict',
      ]);
      if (measurement.spread) {
        expect(measurement.spread[0]).toBeLessThanOrEqual(measurement.spread[1]);
      }
      expect(typeof measurement.value).toBe('number');
      expect(measurement.unit).not.toBe('');
      expect(measurement.pass).toBe(measurement.verdict !== 'missed');
      if (measurement.baseline !== null && measurement.baseline !== 0) {
        expect(measurement.ratio).toBeCloseTo(measurement.value / measurement.baseline, 2);
      }
    }
    expect(markdownTable(measurements).split('\n')).toHaveLength(measurements.length + 2);
  }, 120_000);

  it('meets every count-based target: Tencent calls, store reads, throttling, failures, duplicates, webhooks', () => {
    const counted = measurements.filter((measurement) =>
      /^(poll\.|burst\.(throttled|failed|replicas)|notify\.webhooks-missing)/.test(measurement.metric),
    );

    expect(counted.map((measurement) => measurement.metric)).toEqual([
      'poll.tencent-calls.n10',
      'poll.tencent-calls.n150',
      'poll.removals.tencent-calls.n150',
      'poll.store-reads-per-in-flight.n20-of-220',
      'burst.throttled-share-of-creates.n20',
      'burst.failed.n20',
      'burst.replicas-created.n20',
      'notify.webhooks-missing.n3',
    ]);
    for (const measurement of counted) expect(measurement, measurement.metric).toMatchObject({ pass: true });
    // One cycle over 150 in flight, 75 of them prepaid: 2 DescribeDBInstances + 1 DescribeOrders.
    expect(counted[1]).toMatchObject({ value: 3, baseline: 150 + 75 });
    // One cycle over 150 removals waiting for isolation: 2 DescribeDBInstances, nothing else.
    expect(counted[2]).toMatchObject({ value: 2, target: '≤ 2' });
  });

  it('counts the Tencent calls of a removal, from its request to its end', () => {
    const removal = measurements.filter((measurement) => measurement.metric.startsWith('removal.'));

    expect(removal.map(({ metric, unit }) => ({ metric, unit }))).toEqual([
      { metric: 'removal.tencent-calls.mean', unit: 'calls/removal' },
      { metric: 'removal.tencent-calls.max', unit: 'calls/removal' },
    ]);
    // At least: validate's read, the group leave and its task, the isolate and a read back.
    expect(removal[0]?.value).toBeGreaterThanOrEqual(5);
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

  it('holds the burst to the same creates through the bare SDK, paced by the same limiter, measured in the same run', () => {
    const burst = measurements.filter((measurement) => measurement.metric.startsWith('burst.seconds'));

    expect(burst.map(({ metric, target }) => ({ metric, target }))).toEqual([
      { metric: 'burst.seconds-to-all-submitted.n20', target: `≤ ${BURST_RATIO_LIMIT} × baseline` },
      { metric: 'burst.seconds-vs-ideal.n20', target: '—' },
      { metric: 'burst.seconds-vs-no-limits.n20', target: '—' },
    ]);
    // The baseline was measured (20 creates at 18 a second take most of a second), not assumed.
    expect(burst[0]?.baseline).toBeGreaterThan(0.5);
  });

  it("holds the time to notify to the poll interval plus the same run's p99 poll cycle", () => {
    const notify = measurements.filter((measurement) => measurement.metric.startsWith('notify.p99'));

    expect(notify.map(({ metric, target }) => ({ metric, target }))).toEqual([
      {
        metric: 'notify.p99-seconds-running-to-webhook.poll0.3s',
        target: `≤ ${NOTIFY_RATIO_LIMIT} × baseline`,
      },
      { metric: 'notify.p99-seconds-vs-fixed-limit.poll0.3s', target: '—' },
      { metric: 'notify.p99-seconds-vs-terraform.poll0.3s', target: '—' },
    ]);
    // The cycles were timed in the same run: the baseline is the interval plus a measured cycle.
    expect(notify[0]?.baseline).toBeGreaterThan(SMOKE_SCALE.notify.pollIntervalMs / 1000);
  });

  it('prices 1000 requests from the calls the burst counted, beside the Step Functions baseline', () => {
    const cost = measurements.filter((measurement) => measurement.metric.startsWith('cost.'));

    expect(cost.map(({ metric, unit, target }) => ({ metric, unit, target }))).toEqual([
      {
        metric: 'cost.usd-per-1000-vs-step-functions.at-30000-per-month.provisioning-bench',
        unit: '$/1000 requests',
        target: '—',
      },
      { metric: 'cost.usd-per-1000-without-monthly-floor', unit: '$/1000 requests', target: '—' },
      { metric: 'cost.monthly-floor-usd', unit: '$/month', target: '—' },
      { metric: 'cost.break-even-requests-per-month', unit: 'requests/month', target: '—' },
      {
        metric: 'cost.usd-per-1000-vs-step-functions.at-30000-per-month.provisioning-15min',
        unit: '$/1000 requests',
        target: '≤ 0.5 × baseline',
      },
    ]);
    const [total, work, floor, , minutes] = cost;
    for (const row of [total, work, floor]) expect(row?.value).toBeGreaterThan(0);
    // The floor shared by the load comes on top of the counted work; the baseline is the same.
    expect(total?.value).toBeGreaterThan(work?.value ?? Number.POSITIVE_INFINITY);
    expect(total?.baseline).toBe(work?.baseline);
    // 15 minutes of provisioning: 49 transitions a request instead of 7.
    expect(minutes?.baseline).toBeGreaterThan(total?.baseline ?? Number.POSITIVE_INFINITY);

    const report = logged.find((line) => line.startsWith("the burst's AWS cost"));
    for (const item of [
      'Lambda requests',
      'Lambda duration (arm64)',
      'DynamoDB reads',
      'DynamoDB writes',
      'SQS',
      'X-Ray',
      'HTTP API',
      'EMF logs',
      'CloudWatch custom metrics',
      'poll schedule: EventBridge Scheduler',
      'idle SQS pollers (long polls)',
      'Step Functions transitions',
    ]) {
      expect(report).toContain(`| ${item} |`);
    }
  });
});
