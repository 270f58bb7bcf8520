import { describe, expect, it } from 'vitest';
import { startEmulator } from '#emulator/server.ts';
import {
  INSTANT_TIMINGS,
  sdkClient,
  sdkFailure,
  useEmulator,
} from '#emulator-test/support/emulator-fixture.ts';
import { defaultWorldWith } from '#emulator-test/support/worlds.ts';

const emu = useEmulator({ timings: INSTANT_TIMINGS });

/** A read-only pg.it.small2 with 100 GB in ap-beijing-4: in the default world 18000 + 8000 fen a month. */
const request = {
  Zone: 'ap-beijing-4',
  SpecCode: 'pg.it.small2',
  Storage: 100,
  InstanceCount: 1,
  Period: 1,
  InstanceType: 'readonly',
  DBEngine: 'postgresql',
};

describe('InquiryPriceCreateDBInstances', () => {
  it('answers the default world price list: original in fen, Price 10% off, in CNY', async () => {
    const answer = await sdkClient(emu.current).InquiryPriceCreateDBInstances(request);

    expect(answer).toMatchObject({ OriginalPrice: 26_000, Price: 23_400, Currency: 'CNY' });
  });

  it('prices PREPAID for the whole period and every instance', async () => {
    const answer = await sdkClient(emu.current).InquiryPriceCreateDBInstances({
      ...request,
      InstanceChargeType: 'PREPAID',
      Period: 12,
      InstanceCount: 3,
    });

    expect(answer.OriginalPrice).toBe(26_000 * 12 * 3);
    expect(answer.Price).toBe(23_400 * 12 * 3);
  });

  it('prices POSTPAID by the hour (a month / 720, rounded up to the fen) whatever the period', async () => {
    const client = sdkClient(emu.current);
    const oneMonth = await client.InquiryPriceCreateDBInstances({
      ...request,
      InstanceChargeType: 'POSTPAID',
    });
    const twoYears = await client.InquiryPriceCreateDBInstances({
      ...request,
      InstanceChargeType: 'POSTPAID',
      Period: 24,
      InstanceCount: 2,
    });

    expect(oneMonth).toMatchObject({ OriginalPrice: 37, Price: 34 });
    expect(twoYears).toMatchObject({ OriginalPrice: 74, Price: 67 });
  });

  it('answers the same price for the same spec, storage and charge type, and more for more storage', async () => {
    const client = sdkClient(emu.current);
    const first = await client.InquiryPriceCreateDBInstances(request);
    const again = await client.InquiryPriceCreateDBInstances(request);
    const bigger = await client.InquiryPriceCreateDBInstances({ ...request, Storage: 200 });

    expect(again).toMatchObject({ OriginalPrice: first.OriginalPrice, Price: first.Price });
    expect(bigger.OriginalPrice).toBe((first.OriginalPrice ?? 0) + 8_000);
  });

  it('refuses the create call spelling POSTPAID_BY_HOUR with IllegalInstanceChargeType', async () => {
    const error = await sdkFailure(
      sdkClient(emu.current).InquiryPriceCreateDBInstances({
        ...request,
        InstanceChargeType: 'POSTPAID_BY_HOUR',
      }),
    );

    expect(error.code).toBe('InvalidParameterValue.IllegalInstanceChargeType');
  });

  it.each([
    [{ SpecCode: 'pg.it.nosuch' }, 'InvalidParameterValue.SpecNotRecognizedError'],
    [{ SpecCode: 'pg.it.legacy1' }, 'InvalidParameterValue.BadSpec'],
    [{ Zone: 'ap-guangzhou-3' }, 'InvalidParameterValue.InvalidZoneIdError'],
    [{ Storage: 105 }, 'InvalidParameterValue.InvalidParameterValueError'],
    [{ Period: 13 }, 'InvalidParameterValue.InvalidParameterValueError'],
    [{ InstanceType: 'replica' }, 'InvalidParameterValue.InvalidParameterValueError'],
  ])('refuses %o with %s', async (change, code) => {
    const error = await sdkFailure(
      sdkClient(emu.current).InquiryPriceCreateDBInstances({ ...request, ...change }),
    );

    expect(error.code).toBe(code);
  });

  it('takes the price list from the world file: a spec price, storage price, discount and currency', async () => {
    const priced = await startEmulator({
      timings: INSTANT_TIMINGS,
      world: defaultWorldWith((w) => {
        w.pricing = { currency: 'USD', memoryGbMonthFen: 1, storage10GbMonthFen: 50, discountPercent: 0 };
        const spec = w.regions[0]?.zones.find((z) => z.zone === 'ap-beijing-4')?.specs[0];
        if (spec) spec.monthlyPriceFen = 1_234;
      }),
    });
    try {
      const answer = await sdkClient(priced).InquiryPriceCreateDBInstances(request);

      expect(answer).toMatchObject({ OriginalPrice: 1_234 + 500, Price: 1_234 + 500, Currency: 'USD' });
    } finally {
      await priced.close();
    }
  });
});
