/**
 * One line of `npm run bench`: a measured value beside its baseline (measured in the same run) and
 * the target it must meet. `ratio` is value ÷ baseline (null without a baseline).
 */
export interface Measurement {
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  readonly baseline: number | null;
  readonly ratio: number | null;
  /**
   * How far the ratio moves within the run, where it was measured more than once: the 95 % confidence
   * interval of the median of its paired samples (`medianInterval`); null for a single measurement.
   */
  readonly spread: readonly [number, number] | null;
  /** Human-readable, e.g. `≤ 12` or `≤ 0.6 × baseline`; `—` for a value reported without a target. */
  readonly target: string;
  /** Not missed: `verdict` is `met` or `within-noise` (the bench exits 0 when every one passes). */
  readonly pass: boolean;
  readonly verdict: Verdict;
}

/**
 * `met` or `missed` when the value is on one side of the target — for a ratio measured in paired
 * rounds, when its whole 95 % interval (`spread`) is; `within-noise` when that interval holds the
 * target, so the run cannot tell (its median lands on either side from run to run: the verdict
 * flipped, as a flaky test does). A value without a target is `met`.
 */
export type Verdict = 'met' | 'within-noise' | 'missed';

/** What a measured value must satisfy. */
export type Target =
  | { readonly kind: 'atMost'; readonly limit: number }
  | { readonly kind: 'atLeast'; readonly limit: number }
  | { readonly kind: 'ratioAtMost'; readonly limit: number }
  | { readonly kind: 'ratioAtLeast'; readonly limit: number }
  | { readonly kind: 'none' };

export const atMost = (limit: number): Target => ({ kind: 'atMost', limit });
export const atLeast = (limit: number): Target => ({ kind: 'atLeast', limit });
export const ratioAtMost = (limit: number): Target => ({ kind: 'ratioAtMost', limit });
export const ratioAtLeast = (limit: number): Target => ({ kind: 'ratioAtLeast', limit });
export const reportOnly: Target = { kind: 'none' };

const rounded = (value: number, digits = 3): number => Number(value.toFixed(digits));

export const describeTarget = (target: Target): string => {
  switch (target.kind) {
    case 'atMost':
      return `≤ ${rounded(target.limit)}`;
    case 'atLeast':
      return `≥ ${rounded(target.limit)}`;
    case 'ratioAtMost':
      return `≤ ${rounded(target.limit)} × baseline`;
    case 'ratioAtLeast':
      return `≥ ${rounded(target.limit)} × baseline`;
    case 'none':
      return '—';
  }
};

const meets = (target: Target, value: number, ratio: number | null): boolean => {
  switch (target.kind) {
    case 'atMost':
      return value <= target.limit;
    case 'atLeast':
      return value >= target.limit;
    case 'ratioAtMost':
      return ratio !== null && ratio <= target.limit;
    case 'ratioAtLeast':
      return ratio !== null && ratio >= target.limit;
    case 'none':
      return true;
  }
};

const verdictOf = (
  target: Target,
  value: number,
  ratio: number | null,
  spread: readonly [number, number] | null,
): Verdict => {
  const ratioTarget = target.kind === 'ratioAtMost' || target.kind === 'ratioAtLeast';
  if (!ratioTarget || spread === null) return meets(target, value, ratio) ? 'met' : 'missed';
  const [low, high] = spread.map((end) => meets(target, value, end));
  return low && high ? 'met' : low || high ? 'within-noise' : 'missed';
};

/** Builds a measurement: the ratio from the baseline, `pass` from the target. */
export const measurement = (fields: {
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  readonly baseline?: number | null;
  readonly spread?: readonly [number, number] | null;
  readonly target: Target;
}): Measurement => {
  const baseline = fields.baseline ?? null;
  const ratio = baseline === null || baseline === 0 ? null : rounded(fields.value / baseline, 4);
  const spread: [number, number] | null = fields.spread
    ? [rounded(fields.spread[0], 4), rounded(fields.spread[1], 4)]
    : null;
  const verdict = verdictOf(fields.target, fields.value, ratio, spread);
  return {
    metric: fields.metric,
    value: rounded(fields.value),
    unit: fields.unit,
    baseline: baseline === null ? null : rounded(baseline),
    ratio,
    spread,
    target: describeTarget(fields.target),
    pass: verdict !== 'missed',
    verdict,
  };
};

/** The median of a non-empty list. */
export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
};

/** The p-th percentile (nearest rank) of a non-empty list. */
export const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? Number.NaN;
};

/**
 * A distribution-free 95 % confidence interval of the median of `values` (order statistics: ranks
 * n/2 ∓ 0.98·√n); with fewer than 6 values, their range.
 */
export const medianInterval = (values: readonly number[]): [number, number] => {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return [Number.NaN, Number.NaN];
  if (n < 6) return [sorted[0] ?? Number.NaN, sorted[n - 1] ?? Number.NaN];
  const low = Math.max(1, Math.floor(n / 2 - 0.98 * Math.sqrt(n)));
  const high = Math.min(n, Math.ceil(n / 2 + 1 + 0.98 * Math.sqrt(n)));
  return [sorted[low - 1] ?? Number.NaN, sorted[high - 1] ?? Number.NaN];
};
