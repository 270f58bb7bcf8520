/**
 * Money as integer picodollars (10⁻¹² $) in a bigint: every price the bench uses is a whole number of
 * micro-dollars per million units (`aws-prices.ts`), so a count times a price is exact, and sums never
 * drift the way float dollars do. Only the report turns them into dollars.
 */
export type Picodollars = bigint;

/** `numerator ÷ denominator`, rounded half up (both non-negative). */
export const divideRounded = (numerator: bigint, denominator: bigint): bigint => {
  if (denominator <= 0n) throw new RangeError(`cannot divide by ${denominator}`);
  return (numerator * 2n + denominator) / (denominator * 2n);
};

/**
 * The price of `quantity ÷ per` units at `microDollarsPerMillion` µ$ per million units: µ$ per
 * million units is exactly picodollars per unit, so this is `quantity × price ÷ per`.
 */
export const priced = (quantity: bigint, microDollarsPerMillion: number, per = 1n): Picodollars =>
  divideRounded(quantity * BigInt(microDollarsPerMillion), per);

/** Integer count from a measured number that must already be whole (throws on a fraction). */
export const whole = (value: number, what: string): bigint => {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`${what} must be a whole count, not ${value}`);
  return BigInt(value);
};

const PICO_PER_DOLLAR = 1_000_000_000_000n;

/** Dollars for display only (never summed again). */
export const dollars = (amount: Picodollars): number =>
  Number(amount / PICO_PER_DOLLAR) + Number(amount % PICO_PER_DOLLAR) / 1e12;
