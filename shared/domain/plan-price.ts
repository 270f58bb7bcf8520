import * as z from '#shared/util/zod-mini.ts';

/** Tencent prices in 1/100 of the currency (fen for CNY, cents for USD). */
export const MINOR_UNITS_PER_MAIN = 100;

/**
 * What the price of a plan covers, as an ISO-8601 duration: `PT1H` (one hour: a POSTPAID price) or
 * `P<n>M` (the plan's whole prepaid period of n months). Always for every instance of the plan.
 */
const perSchema = z.string().check(z.regex(/^(PT1H|P\d{1,2}M)$/, 'PT1H or P<months>M'));

/**
 * The price Tencent quoted for a plan, as stored in the request record: integer minor units (fen)
 * only, so sums (the budgets to come) never accumulate float error. Main units are rendered at the
 * border (`renderPrice`).
 */
export const planPriceSchema = z.readonly(
  z.strictObject({
    /** List price (`OriginalPrice`). */
    originalMinor: z.int().check(z.nonnegative()),
    /** What would be paid after discounts (`Price`). */
    discountedMinor: z.int().check(z.nonnegative()),
    currency: z.string().check(z.regex(/^[A-Z]{3}$/, 'an ISO 4217 code like CNY')),
    per: perSchema,
  }),
);
export type PlanPrice = z.infer<typeof planPriceSchema>;

/** A price as shown to people and other systems: main units, with the exact minor units beside them. */
export interface RenderedPrice {
  readonly original: number;
  readonly discounted: number;
  readonly currency: string;
  readonly per: string;
  readonly originalMinor: number;
  readonly discountedMinor: number;
}

/**
 * Minor units as main units. One correctly rounded division of an integer gives the same double as
 * the decimal text (`12345` → `123.45`), so nothing drifts; sums are made in minor units first.
 */
export const toMainUnits = (minor: number): number => minor / MINOR_UNITS_PER_MAIN;

export const renderPrice = (price: PlanPrice): RenderedPrice => ({
  original: toMainUnits(price.originalMinor),
  discounted: toMainUnits(price.discountedMinor),
  currency: price.currency,
  per: price.per,
  originalMinor: price.originalMinor,
  discountedMinor: price.discountedMinor,
});

/** `1234567` → `12,345.67`: digits from the integer, never through a float. */
export const formatMinorUnits = (minor: number): string => {
  const sign = minor < 0 ? '-' : '';
  const digits = String(Math.abs(minor)).padStart(3, '0');
  const whole = digits.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${whole}.${digits.slice(-2)}`;
};

const perText = (per: string): string => {
  if (per === 'PT1H') return 'an hour';
  const months = Number(per.slice(1, -1));
  return months === 1 ? 'a month' : `for ${months} months`;
};

/** One line for people: `CNY 234.00 a month (list CNY 260.00)`; the list price only when it differs. */
export const priceText = (price: PlanPrice): string => {
  const paid = `${price.currency} ${formatMinorUnits(price.discountedMinor)} ${perText(price.per)}`;
  return price.originalMinor === price.discountedMinor
    ? paid
    : `${paid} (list ${price.currency} ${formatMinorUnits(price.originalMinor)})`;
};
