import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TENCENT_RATE_LIMITS,
  type LimiterTime,
  TencentRateLimiter,
  TokenBucket,
} from '#shared/adapters/tencent/rate-limiter.ts';
import { ConfigError } from '#shared/errors.ts';

/** A clock that only moves when the test says so; sleepers wake in the order they are due. */
const fakeTime = () => {
  let now = 0;
  const sleepers: { until: number; wake: () => void }[] = [];
  const time: LimiterTime = {
    now: () => now,
    sleep: (ms) =>
      new Promise<void>((wake) => {
        sleepers.push({ until: now + ms, wake });
        sleepers.sort((a, b) => a.until - b.until);
      }),
  };
  /** Moves the clock to `to`, waking each sleeper at its own time (and letting it act) on the way. */
  const advanceTo = async (to: number) => {
    await flush();
    for (let next = sleepers[0]; next && next.until <= to; next = sleepers[0]) {
      sleepers.shift();
      now = next.until;
      next.wake();
      await flush();
    }
    now = to;
    await flush();
  };
  return { time, advanceTo, now: () => now };
};

const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

/** Starts `count` calls at once; records when each one was let through. */
const startCalls = (take: () => Promise<void>, count: number, clock: () => number) => {
  const startedAt: number[] = [];
  const order: number[] = [];
  for (let index = 0; index < count; index++) {
    void take().then(() => {
      startedAt.push(clock());
      order.push(index);
    });
  }
  return { startedAt, order };
};

describe('TokenBucket', () => {
  it('lets the first call through at once and spaces the rest 1/rate apart', async () => {
    const fake = fakeTime();
    const bucket = new TokenBucket(10, 1, fake.time);

    const calls = startCalls(() => bucket.take(), 4, fake.now);
    await fake.advanceTo(1000);

    expect(calls.startedAt).toEqual([0, 100, 200, 300]);
  });

  it('serves waiting callers in the order they asked', async () => {
    const fake = fakeTime();
    const bucket = new TokenBucket(50, 1, fake.time);

    const calls = startCalls(() => bucket.take(), 20, fake.now);
    await fake.advanceTo(1000);

    expect(calls.order).toEqual(Array.from({ length: 20 }, (_, index) => index));
  });

  it('saves at most `burst` tokens while idle', async () => {
    const fake = fakeTime();
    const bucket = new TokenBucket(10, 3, fake.time);
    await fake.advanceTo(60_000);

    const calls = startCalls(() => bucket.take(), 5, fake.now);
    await fake.advanceTo(61_000);

    expect(calls.startedAt).toEqual([60_000, 60_000, 60_000, 60_100, 60_200]);
  });

  it('starts at most burst + rate calls in any one-second window, under 1000 concurrent callers', async () => {
    const fake = fakeTime();
    const bucket = new TokenBucket(90, 4, fake.time);

    const calls = startCalls(() => bucket.take(), 1000, fake.now);
    await fake.advanceTo(20_000);

    expect(calls.startedAt).toHaveLength(1000);
    for (const start of calls.startedAt) {
      const inWindow = calls.startedAt.filter((at) => at >= start && at < start + 1000).length;
      expect(inWindow).toBeLessThanOrEqual(4 + 90);
    }
    // …and it does not waste the rate: 1000 calls take (1000 - burst) / rate seconds.
    expect(Math.max(...calls.startedAt)).toBeCloseTo(((1000 - 4) / 90) * 1000, 6);
  });

  it('refuses a rate or burst that is not positive', () => {
    expect(() => new TokenBucket(0)).toThrow(ConfigError);
    expect(() => new TokenBucket(Number.NaN)).toThrow(ConfigError);
    expect(() => new TokenBucket(10, 0)).toThrow(ConfigError);
  });
});

describe('TencentRateLimiter', () => {
  it('keeps one bucket per action: the create limit for the create, the Describe limit for reads', async () => {
    const fake = fakeTime();
    const limiter = new TencentRateLimiter({ createPerSecond: 10, describePerSecond: 100 }, fake.time);

    const creates = startCalls(() => limiter.take('CreateReadOnlyDBInstance'), 3, fake.now);
    const orders = startCalls(() => limiter.take('DescribeOrders'), 3, fake.now);
    const instances = startCalls(() => limiter.take('DescribeDBInstances'), 3, fake.now);
    await fake.advanceTo(1000);

    expect(creates.startedAt).toEqual([0, 100, 200]);
    expect(orders.startedAt).toEqual([0, 10, 20]);
    expect(instances.startedAt).toEqual([0, 10, 20]);
    expect(limiter.rateFor('ModifyDBInstanceDeletionProtection')).toBe(10);
  });

  it('gives price inquiries a bucket of their own: never more than Tencent 20 in any one second', async () => {
    const fake = fakeTime();
    const limiter = new TencentRateLimiter(DEFAULT_TENCENT_RATE_LIMITS, fake.time);

    const prices = startCalls(() => limiter.take('InquiryPriceCreateDBInstances'), 100, fake.now);
    const creates = startCalls(() => limiter.take('CreateReadOnlyDBInstance'), 5, fake.now);
    await fake.advanceTo(10_000);

    expect(limiter.rateFor('InquiryPriceCreateDBInstances')).toBe(18);
    expect(prices.startedAt).toHaveLength(100);
    for (const from of prices.startedAt) {
      const inWindow = prices.startedAt.filter((at) => at >= from && at < from + 1000);
      expect(inWindow.length).toBeLessThanOrEqual(20);
    }
    // The creates did not wait behind the price calls.
    expect(Math.max(...creates.startedAt)).toBeLessThan(100);
  });

  it('gives DestroyDBInstance 45 a second (Tencent 50), the other fleet actions the create limit', async () => {
    const fake = fakeTime();
    const limiter = new TencentRateLimiter(DEFAULT_TENCENT_RATE_LIMITS, fake.time);

    const destroys = startCalls(() => limiter.take('DestroyDBInstance'), 100, fake.now);
    const isolates = startCalls(() => limiter.take('IsolateDBInstances'), 5, fake.now);
    await fake.advanceTo(10_000);

    expect(limiter.rateFor('DestroyDBInstance')).toBe(45);
    for (const action of [
      'IsolateDBInstances',
      'DisIsolateDBInstances',
      'CreateReadOnlyGroup',
      'AddDBInstanceToReadOnlyGroup',
      'RemoveDBInstanceFromReadOnlyGroup',
      'ModifyReadOnlyGroupConfig',
      'DeleteReadOnlyGroup',
      'ModifyDBInstanceDeletionProtection',
    ]) {
      expect(limiter.rateFor(action)).toBe(90);
    }
    expect(limiter.rateFor('DescribeTasks')).toBe(900);
    for (const from of destroys.startedAt) {
      const inWindow = destroys.startedAt.filter((at) => at >= from && at < from + 1000);
      expect(inWindow.length).toBeLessThanOrEqual(50);
    }
    // The isolations did not wait behind the destroys.
    expect(Math.max(...isolates.startedAt)).toBeLessThan(100);
  });

  it('is shared by every caller of one limiter: concurrent consumers together stay under the limit', async () => {
    const fake = fakeTime();
    const limiter = new TencentRateLimiter({ createPerSecond: 20, describePerSecond: 1000 }, fake.time);

    const consumers = Array.from({ length: 8 }, () =>
      startCalls(() => limiter.take('CreateReadOnlyDBInstance'), 10, fake.now),
    );
    await fake.advanceTo(10_000);

    const all = consumers.flatMap((consumer) => consumer.startedAt).sort((a, b) => a - b);
    expect(all).toHaveLength(80);
    expect(all.filter((at) => at < 1000)).toHaveLength(20);
    expect(all.at(-1)).toBe(79 * 50);
  });
});
