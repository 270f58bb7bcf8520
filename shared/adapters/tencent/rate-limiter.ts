import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError } from '#shared/errors.ts';

/** Time for the limiter: milliseconds now, and a wait. Tests pass a fake. */
export interface LimiterTime {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realTime: LimiterTime = { now: () => performance.now(), sleep: (ms) => sleep(ms) };

/**
 * Calls a second that replica-flow allows itself per Tencent action, below Tencent's documented
 * limits (CreateReadOnlyDBInstance and the fleet actions 100/s, DestroyDBInstance 50/s, each Describe* 1000/s,
 * InquiryPrice* 20/s, per account): the headroom leaves
 * room for the account's other clients and for the jitter between when a call leaves and when
 * Tencent counts it in its one-second window.
 */
export interface TencentRateLimits {
  readonly createPerSecond: number;
  readonly describePerSecond: number;
  /** `InquiryPrice*` (Tencent: 20/s); absent: `DEFAULT_PRICE_RATE_PER_SECOND`. */
  readonly pricePerSecond?: number;
  /** `DestroyDBInstance` (Tencent: 50/s, half the other mutating actions); absent: `DEFAULT_DESTROY_RATE_PER_SECOND`. */
  readonly destroyPerSecond?: number;
}

/**
 * 18 of Tencent's 20 price inquiries a second: the same 10 % headroom as the others, for the jitter
 * between when a call leaves and when Tencent counts it in its one-second window.
 */
export const DEFAULT_PRICE_RATE_PER_SECOND = 18;

/** 45 of Tencent's 50 `DestroyDBInstance` calls a second: the same 10 % headroom. */
export const DEFAULT_DESTROY_RATE_PER_SECOND = 45;

export const DEFAULT_TENCENT_RATE_LIMITS: TencentRateLimits = {
  createPerSecond: 90,
  describePerSecond: 900,
  pricePerSecond: DEFAULT_PRICE_RATE_PER_SECOND,
  destroyPerSecond: DEFAULT_DESTROY_RATE_PER_SECOND,
};

/**
 * A token bucket: `ratePerSecond` tokens a second, at most `burst` saved while idle. A caller that
 * finds no token reserves the next one (the count goes below zero) and sleeps until it is due, so
 * callers are served in the order they asked and, in any interval of `t` seconds, at most
 * `burst + ratePerSecond × t` calls start.
 */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number = 1,
    private readonly time: LimiterTime = realTime,
  ) {
    if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) {
      throw new ConfigError(
        `A rate limit must be a positive number of calls a second (got ${ratePerSecond})`,
      );
    }
    if (!Number.isInteger(burst) || burst < 1) {
      throw new ConfigError(`A rate limiter's burst must be a positive integer (got ${burst})`);
    }
    this.tokens = burst;
    this.refilledAt = time.now();
  }

  /** Resolves when the caller may make its call. */
  async take(): Promise<void> {
    const now = this.time.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) * this.ratePerSecond) / 1000);
    this.refilledAt = now;
    this.tokens -= 1;
    if (this.tokens >= 0) return;
    await this.time.sleep((-this.tokens * 1000) / this.ratePerSecond);
  }
}

/**
 * One token bucket per Tencent action, shared by everything that calls through one Tencent client:
 * in a process, every concurrent consumer (the local stack's validate and create pollers, a Lambda
 * container's batch) waits its turn on the same bucket. Across Lambda containers nothing is shared:
 * there the create function's reserved concurrency bounds the total (see serverless.yml).
 */
export class TencentRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    readonly limits: TencentRateLimits,
    private readonly time: LimiterTime = realTime,
  ) {}

  /**
   * Calls a second allowed for `action`: the Describe limit for reads, the price limit for price
   * inquiries, the destroy limit for `DestroyDBInstance`, the create's for anything else (the
   * read-only-group actions, deletion protection, Isolate/DisIsolate: 100/s at Tencent, like the create).
   * Each action still has a bucket of its own.
   */
  rateFor(action: string): number {
    if (action.startsWith('Describe')) return this.limits.describePerSecond;
    if (action.startsWith('InquiryPrice')) return this.limits.pricePerSecond ?? DEFAULT_PRICE_RATE_PER_SECOND;
    if (action === 'DestroyDBInstance')
      return this.limits.destroyPerSecond ?? DEFAULT_DESTROY_RATE_PER_SECOND;
    return this.limits.createPerSecond;
  }

  take(action: string): Promise<void> {
    let bucket = this.buckets.get(action);
    if (!bucket) {
      bucket = new TokenBucket(this.rateFor(action), 1, this.time);
      this.buckets.set(action, bucket);
    }
    return bucket.take();
  }
}
