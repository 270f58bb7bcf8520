import { describe, expect, it } from 'vitest';
import { VERIFY_HEADER } from '#emulator/protocol/api-request.ts';
import {
  movableClock,
  type SdkError,
  sdkClient,
  seedCreateRequest,
  useEmulator,
} from '#emulator-test/support/emulator-fixture.ts';
import { control } from '#emulator-test/support/raw-request.ts';

const OTHER_KEY = {
  secretId: 'AKIDsecondTESTkey000000000000000000',
  secretKey: 'secondTestSecretKey0000000000000',
};
// A frozen clock puts every call of a test in the same one-second window.
const clock = movableClock();
const emu = useEmulator({ now: clock.now, credentials: [OTHER_KEY] });

/** Verification-mode creates: full request processing, nothing created, so only the limit decides. */
const verifyCreates = async (count: number, credential?: typeof OTHER_KEY) => {
  const client = sdkClient(emu.current, {
    headers: { [VERIFY_HEADER]: '1' },
    ...(credential ? { credential } : {}),
  });
  const outcomes: (string | undefined)[] = [];
  for (let i = 0; i < count; i++) {
    outcomes.push(
      await client.CreateReadOnlyDBInstance(seedCreateRequest()).then(
        () => 'ok',
        (error: SdkError) => error.code,
      ),
    );
  }
  return outcomes;
};

const count = (outcomes: (string | undefined)[], outcome: string) =>
  outcomes.filter((o) => o === outcome).length;

describe('rate limits (fixed one-second windows per action and SecretId)', () => {
  it('allows 100 CreateReadOnlyDBInstance calls a second and refuses the 101st with Tencent message', async () => {
    clock.advance(1000);
    const outcomes = await verifyCreates(100);
    const refused = await sdkClient(emu.current, { headers: { [VERIFY_HEADER]: '1' } })
      .CreateReadOnlyDBInstance(seedCreateRequest())
      .catch((error: SdkError) => error);

    expect(count(outcomes, 'ok')).toBe(100);
    expect(refused).toMatchObject({
      code: 'RequestLimitExceeded',
      message:
        'Your current request times equals to `101` in a second, which exceeds the frequency limit `100` for a second. Please reduce the frequency of calls.',
    });
  });

  it('starts counting again in the next second', async () => {
    clock.advance(1000);
    await verifyCreates(101);

    clock.advance(1000);
    const next = await verifyCreates(1);

    expect(next).toEqual(['ok']);
  });

  it('counts each SecretId separately', async () => {
    clock.advance(1000);
    const first = await verifyCreates(101);

    const other = await verifyCreates(1, OTHER_KEY);

    expect(count(first, 'RequestLimitExceeded')).toBe(1);
    expect(other).toEqual(['ok']);
  });

  it('counts each action separately: Describe calls get 1000 a second', async () => {
    clock.advance(1000);
    await verifyCreates(101);

    const zones = await sdkClient(emu.current).DescribeZones({});

    expect(zones.TotalCount).toBeGreaterThan(0);
  });

  it('allows 20 InquiryPrice calls a second', async () => {
    clock.advance(1000);
    const client = sdkClient(emu.current);
    const request = {
      Zone: 'ap-beijing-4',
      SpecCode: 'pg.it.small2',
      Storage: 100,
      InstanceCount: 1,
      Period: 1,
    };
    const outcomes: (string | undefined)[] = [];
    for (let i = 0; i < 21; i++) {
      outcomes.push(
        await client.InquiryPriceCreateDBInstances(request).then(
          () => 'ok',
          (error: SdkError) => error.code,
        ),
      );
    }

    expect(count(outcomes, 'ok')).toBe(20);
    expect(outcomes[20]).toBe('RequestLimitExceeded');
  });

  it('takes a lower limit set through the control API', async () => {
    clock.advance(1000);
    const set = await control(emu.current, 'POST', '/rate-limits', {
      limits: { CreateReadOnlyDBInstance: 2 },
    });

    const outcomes = await verifyCreates(3);

    expect(set.status).toBe(200);
    expect(set.json.limits).toMatchObject({ CreateReadOnlyDBInstance: 2, DescribeDBInstances: 1000 });
    expect(outcomes).toEqual(['ok', 'ok', 'RequestLimitExceeded']);
  });

  it('can be switched off at run time', async () => {
    clock.advance(1000);
    await control(emu.current, 'POST', '/rate-limits', { enabled: false });

    const outcomes = await verifyCreates(150);

    expect(count(outcomes, 'ok')).toBe(150);
  });

  it('counts refused calls in the call log under RequestLimitExceeded', async () => {
    clock.advance(1000);
    await verifyCreates(103);

    expect(emu.current.calls().byAction.CreateReadOnlyDBInstance?.outcomes).toEqual({
      ok: 100,
      RequestLimitExceeded: 3,
    });
  });
});
