import * as z from 'zod';
import { defineAction } from '#emulator/actions/action.ts';
import { zoneOfRegion } from '#emulator/actions/zone-of-region.ts';
import { ApiError, apiErrors } from '#emulator/protocol/api-error.ts';
import type { WorldPricing, WorldSpec } from '#emulator/world/world-schema.ts';

const params = z.strictObject({
  Zone: z.string(),
  SpecCode: z.string(),
  Storage: z.int(),
  InstanceCount: z.int(),
  Period: z.int(),
  Pid: z.int().optional(),
  InstanceChargeType: z.string().optional(),
  InstanceType: z.string().optional(),
  DBEngine: z.string().optional(),
  StorageType: z.string().optional(),
});

const PERIODS = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 24, 36]);
const INSTANCE_TYPES = new Set(['primary', 'readonly']);
/** Hours in the month the postpaid price is derived from. */
const HOURS_A_MONTH = 720;

/** One instance of `spec` with `storage` GB for a month, in fen, from the world's price list. */
const monthlyFen = (spec: WorldSpec, storage: number, pricing: WorldPricing): number =>
  (spec.monthlyPriceFen ?? Math.round((spec.memoryMb / 1024) * pricing.memoryGbMonthFen)) +
  (storage / 10) * pricing.storage10GbMonthFen;

/**
 * InquiryPriceCreateDBInstances (20 requests/s): a made-up but stable price list in fen (1/100 of
 * the world's `pricing.currency`), per spec, storage and charge type, from the world file.
 * PREPAID answers the whole `Period` (months) for every instance; POSTPAID answers one hour of
 * every instance (the month's price / 720, rounded up to the fen) — the real API does not say which
 * a postpaid price covers. `Price` is `OriginalPrice` less `pricing.discountPercent`.
 */
export const inquiryPriceCreateDBInstances = defineAction({
  name: 'InquiryPriceCreateDBInstances',
  params,
  handle(env, call) {
    const p = call.params;
    zoneOfRegion(env, p.Zone, call.region);
    const spec = env.state.spec(p.Zone, p.SpecCode);
    if (!spec) {
      throw new ApiError(
        'InvalidParameterValue.SpecNotRecognizedError',
        `Spec \`${p.SpecCode}\` is not recognized in zone ${p.Zone}.`,
      );
    }
    if (!spec.onSale) {
      throw new ApiError(
        'InvalidParameterValue.BadSpec',
        `Spec \`${p.SpecCode}\` is not sold in zone ${p.Zone}.`,
      );
    }
    const chargeType = p.InstanceChargeType ?? 'PREPAID';
    if (chargeType !== 'PREPAID' && chargeType !== 'POSTPAID') {
      throw new ApiError(
        'InvalidParameterValue.IllegalInstanceChargeType',
        'InstanceChargeType must be PREPAID or POSTPAID.',
      );
    }
    if (p.InstanceType !== undefined && !INSTANCE_TYPES.has(p.InstanceType))
      throw apiErrors.invalidValue('InstanceType', 'primary or readonly');
    if (p.DBEngine !== undefined && p.DBEngine !== 'postgresql')
      throw apiErrors.invalidValue('DBEngine', 'postgresql');
    if (p.InstanceCount < 1 || p.InstanceCount > 100)
      throw apiErrors.invalidValue('InstanceCount', '[1, 100]');
    if (!PERIODS.has(p.Period)) throw apiErrors.invalidValue('Period', 'one of 1-12, 24, 36');
    if (p.Storage % 10 !== 0 || p.Storage < spec.minStorage || p.Storage > spec.maxStorage) {
      throw apiErrors.invalidValue(
        'Storage',
        `a multiple of 10 within [${spec.minStorage}, ${spec.maxStorage}]`,
      );
    }
    const pricing = env.state.world.pricing;
    const monthly = monthlyFen(spec, p.Storage, pricing);
    const original =
      chargeType === 'PREPAID'
        ? monthly * p.Period * p.InstanceCount
        : Math.ceil(monthly / HOURS_A_MONTH) * p.InstanceCount;
    const price = original - Math.floor((original * pricing.discountPercent) / 100);
    return { OriginalPrice: original, Price: price, Currency: pricing.currency };
  },
});
