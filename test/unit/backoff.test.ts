import { describe, expect, it } from 'vitest';
import { backoffSeconds, windowedBackoffSeconds } from '#shared/util/backoff.ts';

const DAY_MS = 24 * 3600_000;
const AWS_BACKOFF = { baseSeconds: 2, maxSeconds: 900 };
const LOCAL_BACKOFF = { baseSeconds: 1, maxSeconds: 60 };

/** Simulates a message retried until its receives run out; answers when its last receive came. */
const lastReceiveAt = (
  maxReceives: number,
  windowMs: number,
  random: () => number,
  backoff = AWS_BACKOFF,
) => {
  let elapsedMs = 0;
  for (let receiveCount = 1; receiveCount < maxReceives; receiveCount += 1) {
    const seconds = windowedBackoffSeconds(
      { receiveCount, maxReceives, windowMs, remainingMs: windowMs - elapsedMs, backoff },
      random,
    );
    elapsedMs += seconds * 1000;
  }
  return elapsedMs;
};

const JITTERS: [string, () => number][] = [
  ['the shortest jitter', () => 0],
  ['the longest jitter', () => 0.9999999],
  ['a middling jitter', () => 0.5],
];

describe('backoffSeconds', () => {
  it('grows exponentially up to the maximum, with jitter between the base and the ceiling', () => {
    expect(backoffSeconds(1, AWS_BACKOFF, () => 0.9999999)).toBe(2);
    expect(backoffSeconds(4, AWS_BACKOFF, () => 0.9999999)).toBe(16);
    expect(backoffSeconds(30, AWS_BACKOFF, () => 0.9999999)).toBe(900);
    expect(backoffSeconds(30, AWS_BACKOFF, () => 0)).toBe(2);
  });
});

describe('windowedBackoffSeconds', () => {
  it.each(JITTERS)('keeps 100 receives retrying for the whole 24 h window with %s', (_name, random) => {
    // Full-jitter backoff alone could spend 100 receives in under an hour.
    expect(lastReceiveAt(100, DAY_MS, random)).toBeGreaterThanOrEqual(DAY_MS);
  });

  it.each(JITTERS)(
    'covers 24 h with 100 receives and a 1-minute backoff maximum too, with %s',
    (_name, random) => {
      expect(lastReceiveAt(100, DAY_MS, random, LOCAL_BACKOFF)).toBeGreaterThanOrEqual(DAY_MS);
    },
  );

  it('retries quickly at first: the plain exponential backoff while the receives left cover the window', () => {
    const first = (backoff: { baseSeconds: number; maxSeconds: number }) =>
      windowedBackoffSeconds(
        { receiveCount: 1, maxReceives: 100, windowMs: DAY_MS, remainingMs: DAY_MS, backoff },
        () => 0,
      );
    expect(first(AWS_BACKOFF)).toBe(2);
    expect(first(LOCAL_BACKOFF)).toBe(1);
  });

  it('never asks for more than SQS allows (12 h)', () => {
    expect(
      windowedBackoffSeconds({
        receiveCount: 1,
        maxReceives: 2,
        windowMs: 10 * DAY_MS,
        remainingMs: 10 * DAY_MS,
        backoff: AWS_BACKOFF,
      }),
    ).toBe(43_200);
  });
});
