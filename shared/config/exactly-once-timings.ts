import { ConfigError } from '#shared/errors.ts';

/**
 * The timings the exactly-once rules depend on (DESIGN.md, "Exactly-once creation", steps 2 and 3).
 *
 * - Reconciliation re-issues a create only after `DescribeDBInstances` filtered by the request's tag
 *   and name found nothing for `visibilityGraceMs`. A create that Tencent accepted is listed at most
 *   `listingDelayMs` after it was accepted, and it was accepted before the record entered UNKNOWN
 *   (the call had already ended, or its lease had already run out). So a grace period longer than
 *   the listing delay means "nothing found" really is "nothing created". The grace must exceed the
 *   delay by `GRACE_SAFETY_FACTOR`, for clock skew between the poller and Tencent and slow paging.
 * - The lease must outlast a live create invocation (the Tencent call, bounded by its client
 *   timeout, then the store write), or the poller would reconcile a call that is still running.
 */
export interface ExactlyOnceTimings {
  readonly visibilityGraceMs: number;
  readonly leaseMs: number;
  /** The longest Tencent (or the emulator's `listedAfterMs`) takes to list a newly created instance. */
  readonly listingDelayMs: number;
  /** The create call's client timeout. */
  readonly tencentTimeoutMs: number;
}

export const GRACE_SAFETY_FACTOR = 1.5;

/** The lease covers the Tencent call twice over: the call, then its store writes and retries. */
export const LEASE_SAFETY_FACTOR = 2;

/**
 * The listing delay assumed for Tencent Cloud itself (TENCENT_LISTING_DELAY_SECONDS). Tencent does
 * not document one; new read-only instances are listed (status `applying`) within seconds of the
 * order. One minute is a cautious bound; measure it for your account and region before lowering the
 * grace period (VISIBILITY_GRACE_SECONDS, default 180 s = 3 × this).
 */
export const DEFAULT_TENCENT_LISTING_DELAY_SECONDS = 60;

/** Every rule the timings break, as sentences naming the settings; empty when they are sound. */
export const exactlyOnceTimingProblems = (timings: ExactlyOnceTimings): string[] => {
  const problems: string[] = [];
  const minimumGrace = timings.listingDelayMs * GRACE_SAFETY_FACTOR;
  if (!(timings.visibilityGraceMs > minimumGrace)) {
    problems.push(
      `the visibility grace period (${timings.visibilityGraceMs} ms) must be longer than ${GRACE_SAFETY_FACTOR} × ` +
        `the delay before Tencent lists a new instance (${timings.listingDelayMs} ms), or reconciliation ` +
        'could re-issue a create whose replica is not listed yet',
    );
  }
  const minimumLease = timings.tencentTimeoutMs * LEASE_SAFETY_FACTOR;
  if (!(timings.leaseMs >= minimumLease)) {
    problems.push(
      `the create lease (${timings.leaseMs} ms) must be at least ${LEASE_SAFETY_FACTOR} × the Tencent client ` +
        `timeout (${timings.tencentTimeoutMs} ms), or the poller could reconcile a create call still running`,
    );
  }
  return problems;
};

/** Fails fast (a `ConfigError` naming every problem) on timings that could create a duplicate replica. */
export const assertExactlyOnceTimings = (timings: ExactlyOnceTimings, where: string): void => {
  const problems = exactlyOnceTimingProblems(timings);
  if (problems.length > 0) throw new ConfigError(`${where}: ${problems.join('; ')}`);
};
