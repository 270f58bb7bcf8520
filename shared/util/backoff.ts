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
