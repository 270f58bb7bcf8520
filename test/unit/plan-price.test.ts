import { createRequire } from 'node:module';
import type TencentCloudSDKHttpExceptionType from 'tencentcloud-sdk-nodejs/tencentcloud/common/exception/tencent_cloud_sdk_exception.js';
import type { InquiryPriceCreateDBInstancesRequest } from 'tencentcloud-sdk-nodejs/tencentcloud/services/postgres/v20170312/postgres_models.js';
import { describe, expect, it } from 'vitest';
import { withCatalogCache } from '#shared/adapters/tencent/catalog-cache.ts';
import { TencentApiError } from '#shared/adapters/tencent/tencent-api-error.ts';
import {
  formatMinorUnits,
  type PlanPrice,
  planPriceSchema,
  priceText,
  renderPrice,
  toMainUnits,
} from '#shared/domain/plan-price.ts';
import { parseReplicaPlan } from '#shared/domain/replica-plan.ts';
import type { TencentPostgres } from '#shared/ports/tencent-postgres.ts';
import {
  inquirePlanPrice,
  PRICE_UNAVAILABLE_RULE,
  priceFromAnswer,
  priceInquiryFor,
} from '#shared/use-cases/plan-price-inquiry.ts';

const sdkRequire = createRequire(
  createRequire(import.meta.url).resolve('tencentcloud-sdk-nodejs/package.json'),
);
const TencentCloudSDKHttpException: typeof TencentCloudSDKHttpExceptionType = sdkRequire(
  './tencentcloud/common/exception/tencent_cloud_sdk_exception.js',
).default;

const ACTION = 'InquiryPriceCreateDBInstances';

/** Tencent's error answer for the price call, as the adapter translates it. */
const priceError = (code: string): TencentApiError => {
  const error = new TencentCloudSDKHttpException(`${code} happened`, 'req-price-1', 'trace-1');
  error.code = code;
  return new TencentApiError(ACTION, error);
};

const plan = (overrides: Record<string, unknown> = {}) =>
  parseReplicaPlan({
    Region: 'ap-beijing',
    Zone: 'ap-beijing-4',
    MasterDBInstanceId: 'postgres-abcdef',
    SpecCode: 'pg.it.small2',
    Storage: 100,
    InstanceCount: 2,
    Period: 1,
    InstanceChargeType: 'POSTPAID_BY_HOUR',
    VpcId: 'vpc-8btfafeo',
    SubnetId: 'subnet-1i9huswn',
    ...overrides,
  });

/** A Tencent port whose only call is the price inquiry; it records every question it is asked. */
const pricingTencent = (answer: (request: InquiryPriceCreateDBInstancesRequest) => Promise<unknown>) => {
  const asked: InquiryPriceCreateDBInstancesRequest[] = [];
  const tencent = {
    inquiryPriceCreateDBInstances: async (_region: string, request: InquiryPriceCreateDBInstancesRequest) => {
      asked.push(request);
      return answer(request);
    },
  } as unknown as TencentPostgres;
  return { tencent, asked };
};

describe('money in minor units', () => {
  it('renders every amount up to 1,000,000.00 exactly as its decimal text (no float drift)', () => {
    const drifted: number[] = [];
    for (let minor = 0; minor <= 100_000_000; minor += minor < 200_000 ? 1 : 9_973) {
      if (toMainUnits(minor) !== Number(formatMinorUnits(minor).replaceAll(',', ''))) drifted.push(minor);
    }

    expect(drifted).toEqual([]);
  });

  it('formats minor units from the integer digits, with thousands separators', () => {
    expect(formatMinorUnits(0)).toBe('0.00');
    expect(formatMinorUnits(5)).toBe('0.05');
    expect(formatMinorUnits(1_005)).toBe('10.05');
    expect(formatMinorUnits(123_456_789)).toBe('1,234,567.89');
    expect(formatMinorUnits(-120)).toBe('-1.20');
  });

  it('renders a stored price in main units with the exact minor units beside them', () => {
    const price: PlanPrice = { originalMinor: 26_010, discountedMinor: 23_409, currency: 'CNY', per: 'P1M' };

    expect(renderPrice(price)).toEqual({
      original: 260.1,
      discounted: 234.09,
      currency: 'CNY',
      per: 'P1M',
      originalMinor: 26_010,
      discountedMinor: 23_409,
    });
    expect(priceText(price)).toBe('CNY 234.09 a month (list CNY 260.10)');
    expect(priceText({ ...price, originalMinor: 23_409, per: 'PT1H' })).toBe('CNY 234.09 an hour');
    expect(priceText({ ...price, per: 'P12M' })).toMatch(/^CNY 234\.09 for 12 months/);
  });

  it('stores only whole, non-negative minor units and a currency code', () => {
    const valid = { originalMinor: 1, discountedMinor: 1, currency: 'CNY', per: 'PT1H' };

    expect(planPriceSchema.safeParse(valid).success).toBe(true);
    expect(planPriceSchema.safeParse({ ...valid, originalMinor: 1.5 }).success).toBe(false);
    expect(planPriceSchema.safeParse({ ...valid, discountedMinor: -1 }).success).toBe(false);
    expect(planPriceSchema.safeParse({ ...valid, currency: 'yuan' }).success).toBe(false);
    expect(planPriceSchema.safeParse({ ...valid, per: 'hour' }).success).toBe(false);
  });
});

describe('priceInquiryFor', () => {
  it('asks for read-only instances and spells the hourly charge type POSTPAID, as the price call wants', () => {
    expect(priceInquiryFor(plan())).toEqual({
      Zone: 'ap-beijing-4',
      SpecCode: 'pg.it.small2',
      Storage: 100,
      InstanceCount: 2,
      Period: 1,
      InstanceChargeType: 'POSTPAID',
      InstanceType: 'readonly',
      DBEngine: 'postgresql',
    });
    expect(priceInquiryFor(plan({ InstanceChargeType: 'PREPAID', Period: 12 }))).toMatchObject({
      InstanceChargeType: 'PREPAID',
      Period: 12,
    });
  });

  it('asks the identical question for plans that differ only in what does not change the price', () => {
    expect(priceInquiryFor(plan({ Name: 'a', MasterDBInstanceId: 'postgres-bjorder1' }))).toEqual(
      priceInquiryFor(plan()),
    );
  });
});

describe('priceFromAnswer', () => {
  it('keeps Tencent fen as integer minor units; a postpaid price is an hour, a prepaid one the period', () => {
    expect(priceFromAnswer(plan(), { OriginalPrice: 74, Price: 67, Currency: 'CNY' })).toEqual({
      price: { originalMinor: 74, discountedMinor: 67, currency: 'CNY', per: 'PT1H' },
    });
    const prepaid = plan({ InstanceChargeType: 'PREPAID', Period: 12 });
    expect(priceFromAnswer(prepaid, { OriginalPrice: 624_000, Price: 561_600, Currency: 'USD' })).toEqual({
      price: { originalMinor: 624_000, discountedMinor: 561_600, currency: 'USD', per: 'P12M' },
    });
  });

  it.each([
    [{ OriginalPrice: 74, Currency: 'CNY' }, 'Price'],
    [{ Price: 67, Currency: 'CNY' }, 'OriginalPrice'],
    [{ OriginalPrice: 74, Price: 67 }, 'Currency'],
    [{ OriginalPrice: 74, Price: 66.5, Currency: 'CNY' }, 'Price'],
    [{ OriginalPrice: -1, Price: 0, Currency: 'CNY' }, 'OriginalPrice'],
  ])('names an unusable answer %o (%s) instead of pricing it at zero', (answer, field) => {
    const priced = priceFromAnswer(plan(), answer);

    expect(priced).not.toHaveProperty('price');
    expect(priced).toMatchObject({ violation: { rule: PRICE_UNAVAILABLE_RULE } });
    expect('violation' in priced && priced.violation.message).toContain(field);
  });
});

describe('inquirePlanPrice', () => {
  it('rejects with tencent.priceUnavailable carrying Tencent code when Tencent refuses the plan', async () => {
    const { tencent } = pricingTencent(async () => {
      throw priceError('InvalidParameterValue.BadSpec');
    });

    const priced = await inquirePlanPrice(plan(), tencent);

    expect(priced).toEqual({
      violation: {
        rule: 'tencent.priceUnavailable',
        field: 'SpecCode',
        tencentCode: 'InvalidParameterValue.BadSpec',
        message: expect.stringContaining('InvalidParameterValue.BadSpec'),
      },
    });
  });

  it.each([
    'RequestLimitExceeded',
    'FailedOperation.QueryPriceFailed',
    'FailedOperation.TradeQueryPriceError',
    'InternalError',
  ])('throws %s (it may pass later), so the message is retried like other pre-checks', async (code) => {
    const { tencent } = pricingTencent(async () => {
      throw priceError(code);
    });

    const failure = await inquirePlanPrice(plan(), tencent).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(TencentApiError);
    expect((failure as TencentApiError).retryable).toBe(true);
    expect((failure as TencentApiError).tencentCode).toBe(code);
  });
});

describe('the price cache (withCatalogCache)', () => {
  it('asks Tencent once for identical plans, concurrent or not, and again for a different plan', async () => {
    let now = 0;
    const { tencent, asked } = pricingTencent(async () => ({
      OriginalPrice: 74,
      Price: 67,
      Currency: 'CNY',
    }));
    const cached = withCatalogCache(tencent, { ttlMs: 60_000, now: () => now });

    const burst = await Promise.all(
      Array.from({ length: 50 }, (_, index) => inquirePlanPrice(plan({ Name: `r${index}` }), cached)),
    );
    await inquirePlanPrice(plan(), cached);
    const bigger = await inquirePlanPrice(plan({ Storage: 200 }), cached);
    now = 60_000;
    await inquirePlanPrice(plan(), cached);

    expect(burst.every((priced) => 'price' in priced && priced.price.discountedMinor === 67)).toBe(true);
    expect('price' in bigger).toBe(true);
    expect(asked.map((request) => request.Storage)).toEqual([100, 200, 100]);
  });

  it('forgets a failed inquiry at once, so the retry asks again', async () => {
    let fail = true;
    const { tencent, asked } = pricingTencent(async () => {
      if (fail) throw priceError('RequestLimitExceeded');
      return { OriginalPrice: 74, Price: 67, Currency: 'CNY' };
    });
    const cached = withCatalogCache(tencent, { ttlMs: 60_000 });

    await expect(inquirePlanPrice(plan(), cached)).rejects.toBeInstanceOf(TencentApiError);
    fail = false;
    const priced = await inquirePlanPrice(plan(), cached);

    expect(priced).toMatchObject({ price: { discountedMinor: 67 } });
    expect(asked).toHaveLength(2);
  });
});
