import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { deploymentShape } from '#local/stack/deployment-shape.ts';

interface Alarm {
  readonly name: string;
  readonly Period: number;
  readonly EvaluationPeriods: number;
  readonly DatapointsToAlarm: number;
  readonly TreatMissingData: string;
}
const { alarmsOf } = createRequire(import.meta.url)('../../deploy/resources/observability.cjs') as {
  alarmsOf: (options: Record<string, unknown>) => Alarm[];
};

const heartbeatFor = (pollSchedule: string) => {
  const alarm = alarmsOf({
    namespace: 'ReplicaFlow',
    service: 'replica-flow',
    shape: deploymentShape(),
    pollSchedule,
  }).find(({ name }) => name === 'poll-heartbeat');
  if (!alarm) throw new Error('no poll-heartbeat alarm');
  return { minutes: (alarm.Period * alarm.EvaluationPeriods) / 60, ...alarm };
};

describe("poll's heartbeat alarm", () => {
  it.each([
    ['rate(1 minute)', 5],
    ['rate(2 minutes)', 6],
    ['rate(5 minutes)', 15],
    ['rate(1 hour)', 180],
  ])('with poll on %s, fires after %i minutes without an invocation', (pollSchedule, minutes) => {
    const alarm = heartbeatFor(pollSchedule);
    expect(alarm.minutes).toBe(minutes);
    // Every period must hold a cycle, so a healthy schedule never breaches: a period is one interval.
    expect(alarm.DatapointsToAlarm).toBe(alarm.EvaluationPeriods);
    expect(alarm.TreatMissingData).toBe('breaching');
  });
});
