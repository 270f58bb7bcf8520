import type {
  InquiryPriceCreateDBInstancesRequest,
  InquiryPriceCreateDBInstancesResponse,
} from 'tencentcloud-sdk-nodejs/tencentcloud/services/postgres/v20170312/postgres_models.js';
import { TencentApiError } from '#shared/adapters/tencent/tencent-api-error.ts';
import type { PlanPrice } from '#shared/domain/plan-price.ts';
import type { ReplicaPlan } from '#shared/domain/replica-plan.ts';
import type { RuleViolation } from '#shared/domain/request-record.ts';
import type { TencentPostgres } from '#shared/ports/tencent-postgres.ts';
import * as z from '#shared/util/zod-mini.ts';

/** The violation of a plan Tencent would not price: never a silent zero. */
export const PRICE_UNAVAILABLE_RULE = 'tencent.priceUnavailable';

/**
 * The price inquiry for a plan: a read-only replica of the plan's zone, spec, storage, count and
 * period. The price call spells the hourly charge type `POSTPAID`, the create call
 * `POSTPAID_BY_HOUR`. Only plan fields go in, so identical plans ask the identical question (the
 * adapter's cache is keyed on it).
 */
export const priceInquiryFor = (plan: ReplicaPlan): InquiryPriceCreateDBInstancesRequest => ({
  Zone: plan.Zone,
  SpecCode: plan.SpecCode,
  Storage: plan.Storage,
  InstanceCount: plan.InstanceCount,
  Period: plan.Period,
  InstanceChargeType: plan.InstanceChargeType === 'POSTPAID_BY_HOUR' ? 'POSTPAID' : 'PREPAID',
  InstanceType: 'readonly',
  DBEngine: 'postgresql',
});

const fen = z.int().check(z.nonnegative());
const priceAnswerSchema = z.object({
  OriginalPrice: fen,
  Price: fen,
  Currency: z.string().check(z.regex(/^[A-Z]{3}$/)),
});

/** What the price covers: an hour of every instance for POSTPAID, the whole period for PREPAID. */
const perFor = (plan: ReplicaPlan): string =>
  plan.InstanceChargeType === 'POSTPAID_BY_HOUR' ? 'PT1H' : `P${plan.Period}M`;

/** Tencent's answer as a stored price, or why it cannot be one (a field missing, not whole fen). */
export const priceFromAnswer = (
  plan: ReplicaPlan,
  answer: InquiryPriceCreateDBInstancesResponse,
): { readonly price: PlanPrice } | { readonly violation: RuleViolation } => {
  const parsed = priceAnswerSchema.safeParse(answer);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0])))].join(', ');
    return {
      violation: {
        rule: PRICE_UNAVAILABLE_RULE,
        field: 'SpecCode',
        message: `Tencent answered no usable price for ${plan.SpecCode} in ${plan.Zone} (${fields} missing or not whole fen)`,
      },
    };
  }
  return {
    price: {
      originalMinor: parsed.data.OriginalPrice,
      discountedMinor: parsed.data.Price,
      currency: parsed.data.Currency,
      per: perFor(plan),
    },
  };
};

/**
 * Asks Tencent the price of a plan. A business refusal (bad spec, zone, charge type, pay mode) is a
 * `tencent.priceUnavailable` violation carrying Tencent's code; anything that may pass later
 * (throttling, network, `FailedOperation.QueryPriceFailed` and other unknown outcomes of this
 * read-only call) is thrown, so the message is retried like every other pre-check.
 */
export const inquirePlanPrice = async (
  plan: ReplicaPlan,
  tencent: TencentPostgres,
): Promise<{ readonly price: PlanPrice } | { readonly violation: RuleViolation }> => {
  try {
    return priceFromAnswer(
      plan,
      await tencent.inquiryPriceCreateDBInstances(plan.Region, priceInquiryFor(plan)),
    );
  } catch (error) {
    if (error instanceof TencentApiError && error.kind === 'business') {
      return {
        violation: {
          rule: PRICE_UNAVAILABLE_RULE,
          field: 'SpecCode',
          message: `Tencent would not price ${plan.InstanceCount} × ${plan.SpecCode}, ${plan.Storage} GB in ${plan.Zone}: ${error.tencentCode ?? error.code}`,
          ...(error.tencentCode ? { tencentCode: error.tencentCode } : {}),
        },
      };
    }
    throw error;
  }
};
