import type { FallbackAttempt, ValidatedPlacement } from '#shared/domain/fallback-attempt.ts';
import type { PlanPrice } from '#shared/domain/plan-price.ts';
import { priceText } from '#shared/domain/plan-price.ts';
import type { FallbackTarget } from '#shared/domain/policy-fleet.ts';
import type { ReplicaPlan } from '#shared/domain/replica-plan.ts';
import type { TencentPostgres } from '#shared/ports/tencent-postgres.ts';
import { inquirePlanPrice } from '#shared/use-cases/plan-price-inquiry.ts';

/** The reason code of a fallback passed over because it costs more than the validated plan. */
export const COSTS_MORE_CODE = 'fallback.costsMore';
/** The reason code of a fallback passed over because the validated plan had no price to hold it to. */
export const UNPRICED_CODE = 'fallback.unpriced';

export type NextPlacement =
  | {
      readonly kind: 'next';
      readonly plan: ReplicaPlan;
      readonly price: PlanPrice;
      /** Targets passed over on the way (too dear, or not priced). */
      readonly skipped: readonly FallbackAttempt[];
    }
  | { readonly kind: 'exhausted'; readonly skipped: readonly FallbackAttempt[] };

const sameTarget = (target: FallbackTarget, plan: ReplicaPlan, validated: ValidatedPlacement): boolean =>
  target.Zone === plan.Zone &&
  target.SpecCode === plan.SpecCode &&
  (target.SubnetId ?? validated.SubnetId) === plan.SubnetId;

/** The targets still to try after `plan`: those after it in the list, or all when it is not one of them. */
export const remainingTargets = (
  plan: ReplicaPlan,
  targets: readonly FallbackTarget[],
  validated: ValidatedPlacement,
): readonly FallbackTarget[] => {
  const index = targets.findIndex((target) => sameTarget(target, plan, validated));
  return targets.slice(index + 1);
};

/** A target as the plan the create sends: only zone, spec and subnet change. */
export const planAt = (
  plan: ReplicaPlan,
  target: FallbackTarget,
  validated: ValidatedPlacement,
): ReplicaPlan => ({
  ...plan,
  Zone: target.Zone,
  SpecCode: target.SpecCode,
  SubnetId: target.SubnetId ?? validated.SubnetId,
});

/**
 * The next placement after `plan` was refused for capacity or spec. Each candidate is priced first
 * (`InquiryPriceCreateDBInstances`) and used only if it costs no more than the plan validation
 * priced: the budgets and any approval were judged on that price, so a fallback within it keeps every
 * judgement true without judging again; a dearer one is passed over (`fallback.costsMore`), as is
 * one Tencent will not price (its code). A price inquiry that may pass later throws (the caller
 * retries the message); nothing is created here.
 */
export const nextPlacement = async (
  plan: ReplicaPlan,
  targets: readonly FallbackTarget[],
  validated: ValidatedPlacement,
  deps: { readonly tencent: TencentPostgres; readonly at: string },
): Promise<NextPlacement> => {
  const skipped: FallbackAttempt[] = [];
  for (const target of remainingTargets(plan, targets, validated)) {
    const candidate = planAt(plan, target, validated);
    const where = { Zone: candidate.Zone, SpecCode: candidate.SpecCode, SubnetId: candidate.SubnetId };
    const ceiling = validated.price;
    if (!ceiling) {
      skipped.push({
        ...where,
        outcome: 'skipped',
        code: UNPRICED_CODE,
        message: 'the validated plan has no price to hold a fallback to',
        at: deps.at,
      });
      continue;
    }
    const priced = await inquirePlanPrice(candidate, deps.tencent);
    if ('violation' in priced) {
      skipped.push({
        ...where,
        outcome: 'skipped',
        code: priced.violation.tencentCode ?? priced.violation.rule,
        message: priced.violation.message,
        at: deps.at,
      });
      continue;
    }
    const { price } = priced;
    if (
      price.currency !== ceiling.currency ||
      price.per !== ceiling.per ||
      price.discountedMinor > ceiling.discountedMinor
    ) {
      skipped.push({
        ...where,
        outcome: 'skipped',
        code: COSTS_MORE_CODE,
        message: `costs ${priceText(price)}, more than the validated ${priceText(ceiling)}`,
        at: deps.at,
      });
      continue;
    }
    return { kind: 'next', plan: candidate, price, skipped };
  }
  return { kind: 'exhausted', skipped };
};
