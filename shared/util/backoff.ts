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

/** Retries left to the plain exponential backoff before the window needs the longer delays. */
const QUICK_RETRIES = 10;

/**
 * A retry delay for a queue whose messages may be received only `maxReceives` times (its redrive
 * policy) but must keep retrying for a whole window (the webhook retry window). Early retries follow
 * the exponential backoff; a delay is lengthened only as far as needed for the receives left to cover
 * the time left at the longest delay `cap` (the backoff maximum, raised when it is too short for the
 * receives to cover the window at all). So the last receive comes after the window ends, where the
 * consumer gives up and dead-letters the message itself, instead of SQS moving it to the dead-letter
 * queue while the window is still open.
 */
export const windowedBackoffSeconds = (
  options: {
    readonly receiveCount: number;
    readonly maxReceives: number;
    /** The whole window, in ms. */
    readonly windowMs: number;
    /** Time left in the window, in ms (≤ 0 once it is over). */
    readonly remainingMs: number;
    readonly backoff: { readonly baseSeconds: number; readonly maxSeconds: number };
  },
  random: () => number = Math.random,
): number => {
  const exponential = backoffSeconds(options.receiveCount, options.backoff, random);
  if (options.remainingMs <= 0) return Math.min(MAX_VISIBILITY_SECONDS, exponential);
  // The delays between the receives must add up to the window; a few are left short for quick first retries.
  const delays = Math.max(1, options.maxReceives - 1 - QUICK_RETRIES);
  const cap = Math.max(options.backoff.maxSeconds, Math.ceil(options.windowMs / 1000 / delays));
  // Delays still to come after this one, up to the last receive; each can add at most `cap`.
  const laterDelays = Math.max(0, options.maxReceives - options.receiveCount - 1);
  const needed = Math.ceil(options.remainingMs / 1000 - laterDelays * cap);
  return Math.min(MAX_VISIBILITY_SECONDS, Math.max(exponential, needed));
};
