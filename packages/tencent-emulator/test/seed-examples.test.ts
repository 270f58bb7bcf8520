import { describe, expect, it } from 'vitest';
import { VERIFY_HEADER } from '#emulator/protocol/api-request.ts';
import { SEED_EXAMPLE_1_BODY } from '#emulator/seed-example.ts';
import {
  movableClock,
  sdkClient,
  seedCreateRequest,
  UUID,
  useEmulator,
} from '#emulator-test/support/emulator-fixture.ts';

const clock = movableClock();
const emu = useEmulator({ now: clock.now });

/** The seed page's body, verbatim: deprecated `DBVersion` and `ProjectId: 1` included. */
const SEED_BODY = structuredClone({ ...SEED_EXAMPLE_1_BODY });

describe('seed page examples', () => {
  it('Example 1 creates a read-only instance of postgres-abcdef in the default world', async () => {
    const res = await sdkClient(emu.current, { region: 'ap-beijing' }).CreateReadOnlyDBInstance(SEED_BODY);

    expect(Object.keys(res).sort()).toEqual(['BillId', 'DBInstanceIdSet', 'DealNames', 'RequestId']);
    expect(res.DealNames).toHaveLength(1);
    expect(res.DealNames?.[0]).toMatch(/^\d{23}$/);
    expect(res.BillId).toMatch(/^\d{10}$/);
    expect(res.DBInstanceIdSet).toHaveLength(1);
    expect(res.DBInstanceIdSet?.[0]).toMatch(/^pgro-[a-z0-9]{8}$/);
    expect(res.RequestId).toMatch(UUID);
  });

  it('Example 1 the seed body equals the fixture every other emulator test builds on', () => {
    expect(seedCreateRequest()).toEqual(SEED_BODY);
  });

  it('Example 1 the deal resolves to the new instance through DescribeOrders after the visibility delay', async () => {
    const client = sdkClient(emu.current);
    const res = await client.CreateReadOnlyDBInstance(SEED_BODY);

    const early = await client.DescribeOrders({ DealNames: res.DealNames ?? [] });
    clock.advance(emu.current.timings().orderVisibleAfterMs);
    const later = await client.DescribeOrders({ DealNames: res.DealNames ?? [] });

    expect(early).toMatchObject({ TotalCount: 0, Deals: [] });
    expect(later.Deals?.[0]).toMatchObject({
      DealName: res.DealNames?.[0],
      Count: 1,
      PayMode: 0,
      DBInstanceIdSet: res.DBInstanceIdSet,
    });
  });

  it('Example 2 (verification mode, an emulator extension) validates the same body and creates nothing', async () => {
    const verifying = sdkClient(emu.current, { headers: { [VERIFY_HEADER]: '1' } });

    const res = await verifying.CreateReadOnlyDBInstance(SEED_BODY);

    expect(res).toMatchObject({ BillId: '', DBInstanceIdSet: [], DealNames: [] });
    expect(emu.current.instances()).toEqual([]);
  });

  it('Example 2 still refuses an invalid body, so verification is a real pre-check', async () => {
    const verifying = sdkClient(emu.current, { headers: { [VERIFY_HEADER]: '1' } });

    await expect(verifying.CreateReadOnlyDBInstance({ ...SEED_BODY, Storage: 105 })).rejects.toMatchObject({
      code: 'InvalidParameterValue.InvalidParameterValueError',
    });
  });
});
