import type { PlanPrice } from '#shared/domain/plan-price.ts';

/**
 * One placement a create tried (or passed over) before the one it ended with: where, and why it was
 * not used. Kept on the request record (`fallback.attempts`), in the status API and in the webhook.
 * - `refused`: Tencent refused the create there before accepting it (`code`: Tencent's).
 * - `skipped`: not tried: the fallback costs more than the approved plan, or Tencent would not price
 *   it (`code`: `fallback.costsMore` or Tencent's price-inquiry code).
 */
export interface FallbackAttempt {
  readonly Zone: string;
  readonly SpecCode: string;
  readonly SubnetId: string;
  readonly outcome: 'refused' | 'skipped';
  readonly code: string;
  readonly message: string;
  /** ISO-8601. */
  readonly at: string;
}

/** Where validation placed the plan, at which price: the start of the fallback, and its ceiling. */
export interface ValidatedPlacement {
  readonly Zone: string;
  readonly SpecCode: string;
  /** The subnet a fallback without its own `SubnetId` uses. */
  readonly SubnetId: string;
  /**
   * The price validation judged the budgets and approval on: no fallback may cost more. Kept here
   * because the record's `price` follows the placement in use (so budgets count what may run).
   */
  readonly price?: PlanPrice;
}

/** What the create learned while falling back. */
export interface FallbackRecord {
  readonly validated: ValidatedPlacement;
  /** Oldest first. */
  readonly attempts: readonly FallbackAttempt[];
}
