/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"):
 * a random delay in [base, min(max, base * 2^(attempt-1))].
 */
export const backoffSeconds = (
  attempt: number,
  options: { readonly baseSeconds: number; readonly maxSeconds: number },
  random: () => number = Math.random,
): number => {
  const ceiling = Math.min(options.maxSeconds, options.baseSeconds * 2 ** Math.max(0, attempt - 1));
  return Math.round(options.baseSeconds + random() * Math.max(0, ceiling - options.baseSeconds));
};

/** SQS's longest visibility timeout: the longest a retried message can be hidden. */
const MAX_VISIBILITY_SECONDS = 43_200;

/**
 * A retry delay for a queue whose messages may be received only `maxReceives` times (its redrive
 * policy) but must keep retrying for a whole window (the webhook retry window): the exponential
 * backoff, stretched where needed so the receives left cover the time left. Each delay is at least
 * the time left divided by the receives left but one, so the last receive comes after the window
 * ends (where the consumer gives up and dead-letters the message itself) instead of SQS moving it
 * to the dead-letter queue while the window is still open.
 */
export const windowedBackoffSeconds = (
  options: {
    readonly receiveCount: number;
    readonly maxReceives: number;
    /** Time left in the window, in ms (≤ 0 once it is over). */
    readonly remainingMs: number;
    readonly backoff: { readonly baseSeconds: number; readonly maxSeconds: number };
  },
  random: () => number = Math.random,
): number => {
  const exponential = backoffSeconds(options.receiveCount, options.backoff, random);
  const receivesLeft = options.maxReceives - options.receiveCount;
  if (options.remainingMs <= 0) return Math.min(MAX_VISIBILITY_SECONDS, exponential);
  const spread = Math.ceil(options.remainingMs / 1000 / Math.max(1, receivesLeft - 1));
  return Math.min(MAX_VISIBILITY_SECONDS, Math.max(exponential, spread));
};
