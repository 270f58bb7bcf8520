import { EMULATOR_CREDENTIALS } from '@replica-flow/tencent-emulator/credentials.ts';
import { type RunningEmulator, startEmulator } from '@replica-flow/tencent-emulator/server.ts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TENCENT_RATE_LIMITS } from '#shared/adapters/tencent/rate-limiter.ts';
import { TencentApiError } from '#shared/adapters/tencent/tencent-api-error.ts';
import { createTencentPostgres } from '#shared/adapters/tencent/tencent-postgres-client.ts';
import { parseReplicaPlan } from '#shared/domain/replica-plan.ts';
import { inquirePlanPrice } from '#shared/use-cases/plan-price-inquiry.ts';
import { precheckAgainstTencent } from '#shared/use-cases/tencent-prechecks.ts';

let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
});
afterEach(() => emulator.reset());
afterAll(() => emulator.close());

/** The production adapter (real SDK) against the emulator, with the production limits and cache. */
const client = (options: { cached?: boolean; limited?: boolean } = {}) =>
  createTencentPostgres({
    credentials: EMULATOR_CREDENTIALS,
    endpoint: emulator.endpoint,
    protocol: 'http://',
    timeoutSeconds: 5,
    ...(options.limited === false ? {} : { rateLimits: DEFAULT_TENCENT_RATE_LIMITS }),
    ...(options.cached === false ? {} : { catalogCacheMs: 60_000 }),
  });

/** Two postpaid small2 replicas of the default world's primary. */
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

const priceCalls = () => emulator.calls().byAction.InquiryPriceCreateDBInstances;

describe('pricing a plan through the real SDK against the emulator', () => {
  it('gets the emulator price of a postpaid plan (sent as POSTPAID) in fen, an hour of both replicas', async () => {
    const priced = await inquirePlanPrice(plan(), client());

    expect(priced).toEqual({
      price: { originalMinor: 74, discountedMinor: 67, currency: 'CNY', per: 'PT1H' },
    });
    expect(priceCalls()?.outcomes).toEqual({ ok: 1 });
  });

  it('passes the pre-checks with the price of the plan, asking Tencent once for identical plans', async () => {
    const tencent = client();
    const deps = { tencent, maxReplicasPerPrimary: 10 };

    const results = await Promise.all(
      Array.from({ length: 5 }, (_, index) => precheckAgainstTencent(plan({ Name: `r${index}` }), deps)),
    );
    const prepaid = await precheckAgainstTencent(
      plan({
        MasterDBInstanceId: 'postgres-gzprep01',
        Region: 'ap-guangzhou',
        Zone: 'ap-guangzhou-3',
        InstanceChargeType: 'PREPAID',
        VpcId: 'vpc-billinggz',
        SubnetId: 'subnet-billgz03',
      }),
      deps,
    );

    expect(results.map((result) => result.violations)).toEqual([[], [], [], [], []]);
    expect(results.map((result) => result.price?.discountedMinor)).toEqual([67, 67, 67, 67, 67]);
    expect(prepaid.price).toMatchObject({ currency: 'CNY', per: 'P1M' });
    expect(priceCalls()?.total).toBe(2);
  });

  it('rejects a plan Tencent will not price with tencent.priceUnavailable and the code', async () => {
    const priced = await inquirePlanPrice(plan({ SpecCode: 'pg.it.legacy1' }), client());

    expect(priced).toMatchObject({
      violation: { rule: 'tencent.priceUnavailable', tencentCode: 'InvalidParameterValue.BadSpec' },
    });
  });

  it('leaves the price refusal out of the pre-checks when a spec violation already says why', async () => {
    const offSale = await precheckAgainstTencent(plan({ SpecCode: 'pg.it.legacy1' }), {
      tencent: client(),
      maxReplicasPerPrimary: 10,
    });

    expect(offSale.violations.map((violation) => violation.rule)).toEqual(['tencent.specOnSale']);
    expect(priceCalls()?.outcomes).toEqual({ 'InvalidParameterValue.BadSpec': 1 });
  });

  it('throws an InternalError price answer from the pre-checks, so validate retries the message', async () => {
    emulator.addFaults({
      rules: [{ action: 'InquiryPriceCreateDBInstances', sequence: ['InternalError'] }],
    });

    const failure = await precheckAgainstTencent(plan(), {
      tencent: client(),
      maxReplicasPerPrimary: 10,
    }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(TencentApiError);
    expect((failure as TencentApiError).retryable).toBe(true);
  });

  it('throws a throttled inquiry as retryable, and does not keep it: the retry asks again', async () => {
    // A fault, not a 1/s limit: the emulator's windows are whole seconds, so two calls that
    // straddle a second boundary on a busy machine would both pass a limit of 1.
    emulator.addFaults({
      rules: [{ action: 'InquiryPriceCreateDBInstances', sequence: ['RequestLimitExceeded'] }],
    });
    const tencent = client({ limited: false });

    const failure = await inquirePlanPrice(plan(), tencent).catch((error: unknown) => error);
    const retried = await inquirePlanPrice(plan(), tencent);

    expect(failure).toBeInstanceOf(TencentApiError);
    expect(failure).toMatchObject({ kind: 'throttled', tencentCode: 'RequestLimitExceeded' });
    expect('price' in retried).toBe(true);
    expect(priceCalls()?.outcomes).toEqual({ RequestLimitExceeded: 1, ok: 1 });
  });

  it('keeps 40 different plans at once under Tencent 20 a second: none is refused', async () => {
    const tencent = client({ cached: false });

    const priced = await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        inquirePlanPrice(plan({ Storage: 100 + 10 * index }), tencent),
      ),
    );

    expect(priced.every((answer) => 'price' in answer)).toBe(true);
    expect(priceCalls()?.outcomes).toEqual({ ok: 40 });
  });
});
