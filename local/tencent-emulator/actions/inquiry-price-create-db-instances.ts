import * as z from 'zod';
import { defineAction } from '#local/tencent-emulator/actions/action.ts';
import { ApiError, apiErrors } from '#local/tencent-emulator/protocol/api-error.ts';

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

/**
 * InquiryPriceCreateDBInstances (20 requests/s): a made-up but stable price list in fen (CNY cents):
 * per GB of memory and per 10 GB of storage, per month; postpaid is the hourly price.
 */
export const inquiryPriceCreateDBInstances = defineAction({
  name: 'InquiryPriceCreateDBInstances',
  params,
  handle(env, call) {
    const p = call.params;
    const zone = env.state.zone(p.Zone);
    if (!zone || zone.region !== call.region) {
      throw new ApiError(
        'InvalidParameterValue.InvalidZoneIdError',
        `Zone \`${p.Zone}\` is not a zone of region ${call.region}.`,
      );
    }
    const spec = env.state.spec(p.Zone, p.SpecCode);
    if (!spec?.onSale) {
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
    if (p.InstanceCount < 1 || p.InstanceCount > 100)
      throw apiErrors.invalidValue('InstanceCount', '[1, 100]');
    if (!PERIODS.has(p.Period)) throw apiErrors.invalidValue('Period', 'one of 1-12, 24, 36');
    if (p.Storage % 10 !== 0 || p.Storage < spec.minStorage || p.Storage > spec.maxStorage) {
      throw apiErrors.invalidValue(
        'Storage',
        `a multiple of 10 within [${spec.minStorage}, ${spec.maxStorage}]`,
      );
    }
    const monthly = Math.round((spec.memoryMb / 1024) * 9000 + (p.Storage / 10) * 800);
    const price =
      chargeType === 'PREPAID'
        ? monthly * p.Period * p.InstanceCount
        : Math.ceil(monthly / 720) * p.InstanceCount;
    return { OriginalPrice: price, Price: price, Currency: 'CNY' };
  },
});
