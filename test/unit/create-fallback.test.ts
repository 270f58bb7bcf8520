import { describe, expect, it } from 'vitest';
import type { PlanPrice } from '#shared/domain/plan-price.ts';
import type { RequestFleet } from '#shared/domain/request-fleet.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import { createReplica } from '#shared/use-cases/create-replica.ts';
import { corePorts, validatedRecord } from '#test/support/core-harness.ts';
import { type Answer, failure } from '#test/support/scripted-tencent.ts';

const LEASE_MS = 60_000;

/** The validated plan's price (the fixture plan is POSTPAID_BY_HOUR: a price an hour). */
const VALIDATED_PRICE: PlanPrice = { originalMinor: 40, discountedMinor: 34, currency: 'CNY', per: 'PT1H' };

const fleet = (fallback: RequestFleet['fallback']): RequestFleet => ({
  fallback,
  readOnlyGroup: { mode: 'none' },
});

const ZONE_5 = { Zone: 'ap-beijing-5', SpecCode: 'pg.it.small2', SubnetId: 'subnet-bj5aaaaa' };
const ZONE_6 = { Zone: 'ap-beijing-6', SpecCode: 'pg.it.small2', SubnetId: 'subnet-bj6aaaaa' };
const MEDIUM_HERE = { Zone: 'ap-beijing-4', SpecCode: 'pg.it.medium4' };

const accepted: Answer<'createReadOnlyDBInstance'> = {
  ok: { DealNames: ['20261129-deal-9'], BillId: 'bill-9', DBInstanceIdSet: ['pgro-fallback1'] },
};
const notEnough: Answer<'createReadOnlyDBInstance'> = {
  fail: failure.business('ResourceInsufficient.ResourceNotEnough'),
};
const badSpec: Answer<'createReadOnlyDBInstance'> = {
  fail: failure.business('InvalidParameterValue.BadSpec'),
};
const priceOf = (discountedMinor: number): Answer<'inquiryPriceCreateDBInstances'> => ({
  ok: { OriginalPrice: discountedMinor, Price: discountedMinor, Currency: 'CNY' },
});

const run = async (
  fallback: RequestFleet['fallback'],
  script: (ports: ReturnType<typeof corePorts>) => void,
  overrides: Partial<RequestRecord> = {},
) => {
  const ports = corePorts();
  const record = validatedRecord('VALIDATED', {
    fleet: fleet(fallback),
    price: VALIDATED_PRICE,
    ...overrides,
  });
  ports.store.records.set(record.requestId, record);
  ports.tencent.otherwise('inquiryPriceCreateDBInstances', priceOf(34));
  script(ports);
  const deps = { ...ports, leaseMs: LEASE_MS, owner: 'me' };
  const outcome = await createReplica(record.requestId, deps);
  const stored = (await ports.store.get(record.requestId)) as RequestRecord;
  return { ...ports, deps, record, outcome, stored };
};

const placements = (calls: { request: { Zone?: string; SpecCode?: string; SubnetId?: string } }[]) =>
  calls.map(({ request }) => `${request.Zone}/${request.SpecCode}/${request.SubnetId}`);

describe('createReplica, falling back to the next {Zone, SpecCode} of the primary', () => {
  it('creates in the second zone when Tencent refuses the first for capacity, and records the plan it used', async () => {
    const result = await run([ZONE_5, ZONE_6], ({ tencent }) =>
      tencent.script('createReadOnlyDBInstance', notEnough, accepted),
    );

    expect(result.outcome).toBe('submitted');
    expect(placements(result.tencent.callsOf('createReadOnlyDBInstance'))).toEqual([
      'ap-beijing-4/pg.it.small2/subnet-1i9huswn',
      'ap-beijing-5/pg.it.small2/subnet-bj5aaaaa',
    ]);
    expect(result.stored.state).toBe('SUBMITTED');
    expect(result.stored.plan).toMatchObject({ Zone: 'ap-beijing-5', SubnetId: 'subnet-bj5aaaaa' });
    expect(result.stored.creation?.dealNames).toEqual(['20261129-deal-9']);
    expect(result.stored.fallback?.attempts).toEqual([
      expect.objectContaining({
        Zone: 'ap-beijing-4',
        SpecCode: 'pg.it.small2',
        outcome: 'refused',
        code: 'ResourceInsufficient.ResourceNotEnough',
      }),
    ]);
    expect(result.stored.history.map((entry) => entry.state).slice(-2)).toEqual(['CREATING', 'SUBMITTED']);
    expect(result.stored.history.at(-1)?.note).toContain(
      'in ap-beijing-5/pg.it.small2 after ap-beijing-4/pg.it.small2 refused (ResourceInsufficient.ResourceNotEnough)',
    );
  });

  it('moves to the next spec when Tencent refuses the spec (BadSpec), and the price follows the spec used', async () => {
    const result = await run([MEDIUM_HERE], ({ tencent }) => {
      tencent.script('createReadOnlyDBInstance', badSpec, accepted);
      tencent.script('inquiryPriceCreateDBInstances', priceOf(30));
    });

    expect(result.outcome).toBe('submitted');
    expect(placements(result.tencent.callsOf('createReadOnlyDBInstance'))).toEqual([
      'ap-beijing-4/pg.it.small2/subnet-1i9huswn',
      'ap-beijing-4/pg.it.medium4/subnet-1i9huswn',
    ]);
    expect(result.stored.plan?.SpecCode).toBe('pg.it.medium4');
    expect(result.stored.price?.discountedMinor).toBe(30);
    expect(result.stored.fallback?.validated.price).toEqual(VALIDATED_PRICE);
    expect(result.stored.fallback?.attempts.map((attempt) => attempt.code)).toEqual([
      'InvalidParameterValue.BadSpec',
    ]);
  });

  it('reconciles an unknown outcome of the first attempt: no second create, in no other zone', async () => {
    const result = await run([ZONE_5, ZONE_6], ({ tencent }) =>
      tencent.script('createReadOnlyDBInstance', { fail: failure.timeout() }, accepted),
    );

    expect(result.outcome).toBe('unknown');
    expect(result.stored.state).toBe('UNKNOWN');
    expect(result.tencent.callsOf('createReadOnlyDBInstance')).toHaveLength(1);
    expect(result.tencent.callsOf('inquiryPriceCreateDBInstances')).toHaveLength(0);
    expect(result.stored.plan?.Zone).toBe('ap-beijing-4');
    expect(result.stored.fallback).toBeUndefined();
  });

  it('leaves an unknown outcome of a fallback attempt UNKNOWN with that placement as the plan, for reconciliation', async () => {
    const result = await run([ZONE_5, ZONE_6], ({ tencent }) =>
      tencent.script('createReadOnlyDBInstance', notEnough, { fail: failure.internalError() }, accepted),
    );

    expect(result.outcome).toBe('unknown');
    expect(result.tencent.callsOf('createReadOnlyDBInstance')).toHaveLength(2);
    expect(result.stored.state).toBe('UNKNOWN');
    expect(result.stored.plan?.Zone).toBe('ap-beijing-5');
  });

  it('ends FAILED with every attempt listed when every placement is refused', async () => {
    const result = await run([ZONE_5, MEDIUM_HERE], ({ tencent }) =>
      tencent.script('createReadOnlyDBInstance', notEnough, notEnough, badSpec),
    );

    expect(result.outcome).toBe('failed');
    expect(result.tencent.callsOf('createReadOnlyDBInstance')).toHaveLength(3);
    expect(result.stored.state).toBe('FAILED');
    expect(result.stored.lease).toBeUndefined();
    expect(
      result.stored.fallback?.attempts.map(
        (attempt) => `${attempt.Zone}/${attempt.SpecCode} ${attempt.code}`,
      ),
    ).toEqual([
      'ap-beijing-4/pg.it.small2 ResourceInsufficient.ResourceNotEnough',
      'ap-beijing-5/pg.it.small2 ResourceInsufficient.ResourceNotEnough',
      'ap-beijing-4/pg.it.medium4 InvalidParameterValue.BadSpec',
    ]);
    expect(result.stored.failure?.code).toBe('InvalidParameterValue.BadSpec');
    expect(result.stored.failure?.message).toContain('ap-beijing-5/pg.it.small2 refused');
    expect(result.stored.notification?.type).toBe('replica.failed');
    expect(result.queue.sent.map((message) => message.queue)).toContain('notify');
  });

  it('passes over a fallback that costs more than the validated plan, and never calls Tencent to create it', async () => {
    const result = await run([MEDIUM_HERE, ZONE_5], ({ tencent }) => {
      tencent.script('createReadOnlyDBInstance', notEnough, accepted);
      tencent.script('inquiryPriceCreateDBInstances', priceOf(35), priceOf(34));
    });

    expect(result.outcome).toBe('submitted');
    expect(placements(result.tencent.callsOf('createReadOnlyDBInstance'))).toEqual([
      'ap-beijing-4/pg.it.small2/subnet-1i9huswn',
      'ap-beijing-5/pg.it.small2/subnet-bj5aaaaa',
    ]);
    expect(result.stored.fallback?.attempts.map((attempt) => [attempt.outcome, attempt.code])).toEqual([
      ['refused', 'ResourceInsufficient.ResourceNotEnough'],
      ['skipped', 'fallback.costsMore'],
    ]);
  });

  it('releases the lease with the attempts kept when the fallback cannot be priced now, and continues on redelivery', async () => {
    const first = await run([ZONE_5], ({ tencent }) => {
      tencent.script('createReadOnlyDBInstance', notEnough, notEnough, accepted);
      tencent.script('inquiryPriceCreateDBInstances', { fail: failure.throttled() });
    });

    expect(first.outcome).toBe('retry');
    expect(first.stored.state).toBe('VALIDATED');
    expect(first.stored.fallback?.attempts).toHaveLength(1);

    const again = await createReplica(first.record.requestId, first.deps);
    const stored = (await first.store.get(first.record.requestId)) as RequestRecord;

    expect(again).toBe('submitted');
    expect(stored.plan?.Zone).toBe('ap-beijing-5');
    expect(stored.fallback?.attempts.map((attempt) => attempt.Zone)).toEqual([
      'ap-beijing-4',
      'ap-beijing-4',
    ]);
  });

  it.each([
    [
      'a refusal that is not for capacity or spec (IllegalZone)',
      failure.business('InvalidParameterValue.IllegalZone'),
    ],
    [
      'a quota refusal (RoInstanceCountExeedError)',
      failure.business('OperationDenied.RoInstanceCountExeedError'),
    ],
  ])('does not fall back after %s: FAILED after one call', async (_case, refusal) => {
    const result = await run([ZONE_5], ({ tencent }) =>
      tencent.script('createReadOnlyDBInstance', { fail: refusal }, accepted),
    );

    expect(result.outcome).toBe('failed');
    expect(result.tencent.callsOf('createReadOnlyDBInstance')).toHaveLength(1);
  });

  it('fails a capacity refusal at once when the primary has no fallback', async () => {
    const result = await run([], ({ tencent }) =>
      tencent.script('createReadOnlyDBInstance', notEnough, accepted),
    );

    expect(result.outcome).toBe('failed');
    expect(result.stored.failure?.code).toBe('ResourceInsufficient.ResourceNotEnough');
    expect(result.tencent.callsOf('createReadOnlyDBInstance')).toHaveLength(1);
  });
});
