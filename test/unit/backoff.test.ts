import { describe, expect, it } from 'vitest';
import { backoffSeconds, windowedBackoffSeconds } from '#shared/util/backoff.ts';

const DAY_MS = 24 * 3600_000;
const AWS_BACKOFF = { baseSeconds: 2, maxSeconds: 900 };

/** Simulates a message retried until its receives run out; answers when its last receive came. */
const lastReceiveAt = (maxReceives: number, windowMs: number, random: () => number) => {
  let elapsedMs = 0;
  for (let receiveCount = 1; receiveCount < maxReceives; receiveCount += 1) {
    const seconds = windowedBackoffSeconds(
      { receiveCount, maxReceives, remainingMs: windowMs - elapsedMs, backoff: AWS_BACKOFF },
      random,
    );
    elapsedMs += seconds * 1000;
  }
  return elapsedMs;
};

describe('backoffSeconds', () => {
  it('grows exponentially up to the maximum, with jitter between the base and the ceiling', () => {
    expect(backoffSeconds(1, AWS_BACKOFF, () => 0.999)).toBe(2);
    expect(backoffSeconds(4, AWS_BACKOFF, () => 0.999)).toBe(16);
    expect(backoffSeconds(30, AWS_BACKOFF, () => 0.9999999)).toBe(900);
    expect(backoffSeconds(30, AWS_BACKOFF, () => 0)).toBe(2);
  });
});

describe('windowedBackoffSeconds', () => {
  it.each([
    ['the shortest jitter', () => 0],
    ['the longest jitter', () => 0.999],
    ['a middling jitter', () => 0.5],
  ])('keeps 100 receives retrying for the whole 24 h window with %s', (_name, random) => {
    // Full-jitter backoff alone could spend 100 receives in under an hour.
    expect(lastReceiveAt(100, DAY_MS, random)).toBeGreaterThanOrEqual(DAY_MS);
  });

  it('is the plain backoff while the receives left easily cover the window', () => {
    expect(
      windowedBackoffSeconds(
        { receiveCount: 1, maxReceives: 1000, remainingMs: 60_000, backoff: AWS_BACKOFF },
        () => 0,
      ),
    ).toBe(2);
  });

  it('never asks for more than SQS allows (12 h)', () => {
    expect(
      windowedBackoffSeconds({
        receiveCount: 1,
        maxReceives: 2,
        remainingMs: 10 * DAY_MS,
        backoff: AWS_BACKOFF,
      }),
    ).toBe(43_200);
  });
});
