import { describe, expect, it } from 'vitest';
import { webhookAttemptStats } from '#local/chaos/webhook-attempts.ts';

const SCHEDULE = { minDelayMs: 1000, leewayMs: 250, toleranceMs: 1000 };

/** Attempts for `id` at the given seconds. */
const at = (id: string, seconds: readonly number[]) => seconds.map((second) => ({ id, at: second * 1000 }));

describe('webhookAttemptStats', () => {
  it('holds for one chain per webhook-id retried at the backoff delays, and reports max and p99', () => {
    const stats = webhookAttemptStats(
      [...at('a', [0, 1, 3, 5, 7]), ...at('b', [0]), ...at('c', [2, 4])],
      SCHEDULE,
    );

    expect(stats).toMatchObject({ notifications: 3, total: 8, max: 5, p99: 5, exceeded: 0, held: true });
    expect(stats.boundOfMax).toBe(1 + Math.floor(8000 / 750));
    expect(stats.bound).toMatch(/per webhook-id/);
  });

  it('does not hold when several chains retry one webhook-id (attempts closer than the schedule allows)', () => {
    const chains = [0, 0.25, 0.5, 0.75].flatMap((offset) => [0, 1, 2, 3, 4].map((second) => second + offset));
    const stats = webhookAttemptStats([...at('amplified', chains), ...at('fine', [0, 2])], SCHEDULE);

    expect(stats.held).toBe(false);
    expect(stats.exceeded).toBe(1);
    expect(stats.max).toBe(20);
    expect(stats.examples).toEqual([
      { webhookId: 'amplified', attempts: 20, bound: 1 + Math.floor(5750 / 750) },
    ]);
  });
});
