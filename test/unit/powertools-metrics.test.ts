import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPowertoolsMetrics } from '#shared/adapters/metrics/powertools-metrics.ts';

interface EmfLine {
  readonly _aws: {
    readonly CloudWatchMetrics: readonly {
      readonly Namespace: string;
      readonly Dimensions: readonly (readonly string[])[];
      readonly Metrics: readonly { readonly Name: string; readonly Unit: string }[];
    }[];
  };
  readonly [key: string]: unknown;
}

/** What the adapter writes while `run` runs: each EMF document on stdout parsed, anything else (stdout or stderr) as text. */
const emfWrittenBy = (run: () => void, disabled = 'false'): { lines: EmfLine[]; other: string[] } => {
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', disabled);
  vi.stubEnv('POWERTOOLS_DEV', '');
  const stdout: string[] = [];
  const stderr: string[] = [];
  const capture = (into: string[]) => (chunk: unknown) => {
    into.push(String(chunk));
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(capture(stdout)),
    vi.spyOn(process.stderr, 'write').mockImplementation(capture(stderr)),
  ];
  try {
    run();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  const text = stdout.join('').split('\n').filter(Boolean);
  return {
    lines: text.filter((line) => line.includes('"_aws"')).map((line) => JSON.parse(line) as EmfLine),
    other: [...text.filter((line) => !line.includes('"_aws"')), ...stderr],
  };
};

const newRecorder = () =>
  createPowertoolsMetrics(new Metrics({ namespace: 'ReplicaFlow', serviceName: 'replica-flow' }));

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('createPowertoolsMetrics', () => {
  it('writes one EMF line per set of dimension values at flush, counts summed, under ReplicaFlow with the service dimension', () => {
    const { lines, other } = emfWrittenBy(() => {
      const metrics = newRecorder();
      metrics.add('TencentCalls', { action: 'DescribeOrders' });
      metrics.add('TencentCalls', { action: 'DescribeDBInstances' });
      metrics.add('TencentCalls', { action: 'DescribeOrders' });
      metrics.add('PollCycles', {});
      metrics.add('RequestsPastDeadline', {}, 0);
      metrics.flush();
    });

    const byAction = (action: string) => lines.find((line) => line.action === action);
    expect(byAction('DescribeOrders')).toMatchObject({ service: 'replica-flow', TencentCalls: 2 });
    expect(byAction('DescribeDBInstances')).toMatchObject({ TencentCalls: 1 });
    expect(byAction('DescribeOrders')?._aws.CloudWatchMetrics[0]).toEqual({
      Namespace: 'ReplicaFlow',
      Dimensions: [['service', 'action']],
      Metrics: [{ Name: 'TencentCalls', Unit: 'Count' }],
    });
    // The roll-up (service only) carries every call once; the poll metrics share it.
    const rollUp = lines.find((line) => line.action === undefined);
    expect(rollUp).toMatchObject({ TencentCalls: 3, PollCycles: 1, RequestsPastDeadline: 0 });
    expect(rollUp?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service']]);
    expect(lines).toHaveLength(3);
    expect(other).toEqual([]);
  });

  it('publishes an outcome under source and outcome, and again under outcome alone', () => {
    const { lines } = emfWrittenBy(() => {
      const metrics = newRecorder();
      metrics.add('RequestOutcome', { source: 'slack', outcome: 'READY' });
      metrics.add('RequestOutcome', { source: 'api', outcome: 'READY' });
      metrics.add('TimeToReady', {}, 420_000);
      metrics.add('TimeToReady', {}, 480_000);
      metrics.flush();
    });

    expect(lines.filter((line) => line.source === 'slack')).toMatchObject([
      { outcome: 'READY', RequestOutcome: 1 },
    ]);
    expect(lines.filter((line) => line.source === undefined && line.outcome === 'READY')).toMatchObject([
      { RequestOutcome: 2 },
    ]);
    const durations = lines.find((line) => 'TimeToReady' in line);
    expect(durations?.TimeToReady).toEqual([420_000, 480_000]);
    expect(durations?._aws.CloudWatchMetrics[0]?.Metrics).toEqual([
      { Name: 'TimeToReady', Unit: 'Milliseconds' },
    ]);
  });

  it('writes each value once: a second flush without new values writes nothing, and warns of nothing', () => {
    const { lines, other } = emfWrittenBy(() => {
      const metrics = newRecorder();
      metrics.add('WebhookAttempts', {});
      metrics.flush();
      metrics.flush();
    });

    expect(lines).toHaveLength(1);
    expect(other).toEqual([]);
  });

  it('writes nothing at all with POWERTOOLS_METRICS_DISABLED=true (the local stack and the tests)', () => {
    const { lines, other } = emfWrittenBy(() => {
      const metrics = newRecorder();
      metrics.add('WebhooksUndelivered', {});
      metrics.add('RequestsReceived', { source: 'api' });
      metrics.flush();
    }, 'true');

    expect(lines).toEqual([]);
    expect(other).toEqual([]);
  });
});
