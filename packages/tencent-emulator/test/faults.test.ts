import http from 'node:http';
import { describe, expect, it } from 'vitest';
import {
  INSTANT_TIMINGS,
  movableClock,
  type SdkError,
  sdkClient,
  sdkFailure,
  seedCreateRequest,
  useEmulator,
} from '#emulator-test/support/emulator-fixture.ts';

const clock = movableClock();
const emu = useEmulator({ now: clock.now, timings: INSTANT_TIMINGS });

const create = (options: Parameters<typeof sdkClient>[1] = {}) =>
  sdkClient(emu.current, options).CreateReadOnlyDBInstance(seedCreateRequest());

const outcome = (call: Promise<unknown>): Promise<string> =>
  call.then(
    () => 'ok',
    (error: SdkError) => error.code ?? `http${error.httpCode ?? '?'}`,
  );

describe('fault injection', () => {
  it('plays a scripted sequence, one step per call, then lets calls through', async () => {
    emu.current.addFaults({
      rules: [
        { action: 'CreateReadOnlyDBInstance', sequence: ['InternalError', 'ok', 'RequestLimitExceeded'] },
      ],
    });

    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push(await outcome(create()));

    expect(outcomes).toEqual(['InternalError', 'ok', 'RequestLimitExceeded', 'ok']);
    expect(emu.current.instances()).toHaveLength(2);
    expect(emu.current.faults().injected.byKind).toEqual({ InternalError: 1, RequestLimitExceeded: 1 });
  });

  it('repeats a sequence when asked to', async () => {
    emu.current.addFaults({
      rules: [{ action: 'DescribeZones', sequence: ['InternalError', 'ok'], repeat: true }],
    });

    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push(await outcome(sdkClient(emu.current).DescribeZones({})));

    expect(outcomes).toEqual(['InternalError', 'ok', 'InternalError', 'ok']);
  });

  it('injects a fault with a probability, reproducibly for a seed', async () => {
    const run = async () => {
      emu.current.reset();
      emu.current.addFaults({
        seed: 42,
        rules: [{ action: 'DescribeZones', kind: 'InternalError', probability: 0.5 }],
      });
      const outcomes = [];
      for (let i = 0; i < 40; i++) outcomes.push(await outcome(sdkClient(emu.current).DescribeZones({})));
      return outcomes;
    };

    const first = await run();
    const second = await run();

    expect(second).toEqual(first);
    expect(first.filter((o) => o === 'InternalError').length).toBeGreaterThan(5);
    expect(first.filter((o) => o === 'ok').length).toBeGreaterThan(5);
  });

  it('applies a * rule to every action', async () => {
    emu.current.addFaults({ rules: [{ action: '*', kind: 'InternalError', probability: 1 }] });

    const zones = await outcome(sdkClient(emu.current).DescribeZones({}));
    const orders = await outcome(sdkClient(emu.current).DescribeOrders({ DealNames: ['1'] }));

    expect([zones, orders]).toEqual(['InternalError', 'InternalError']);
  });

  it.each([
    ['HTTP502', 502, 'Bad Gateway'],
    ['HTTP504', 504, 'Gateway Timeout'],
  ] as const)(
    'answers %s as a gateway failure the SDK reports by httpCode, creating nothing',
    async (kind, status, text) => {
      emu.current.addFaults({ rules: [{ action: 'CreateReadOnlyDBInstance', sequence: [kind] }] });

      const error = await sdkFailure(create());

      expect(error.httpCode).toBe(status);
      expect(error.code).toBeUndefined();
      expect(error.message).toBe(text);
      expect(emu.current.instances()).toEqual([]);
      expect(emu.current.calls().byAction.CreateReadOnlyDBInstance?.outcomes).toEqual({ [kind]: 1 });
    },
  );

  it('holds the answer of a delayed create past the client timeout, yet the create took effect', async () => {
    emu.current.addFaults({
      rules: [{ action: 'CreateReadOnlyDBInstance', sequence: ['Delay'], delayMs: 3000 }],
    });

    const error = await sdkFailure(create({ reqTimeoutSeconds: 1, agent: new http.Agent() }));

    expect(error.code).toBeUndefined();
    expect(error.message).toMatch(/network timeout/);
    expect(emu.current.instances()).toHaveLength(1);
  });

  it('loses the response after commit: the SDK sees a network error, the instance exists', async () => {
    emu.current.addFaults({ rules: [{ action: 'CreateReadOnlyDBInstance', sequence: ['LostResponse'] }] });

    const error = await sdkFailure(create({ agent: new http.Agent() }));
    const instances = emu.current.instances();

    expect(error.code).toBeUndefined();
    expect(error.httpCode).toBeUndefined();
    expect(error.message).toMatch(/socket hang up|ECONNRESET/);
    expect(instances).toHaveLength(1);
    expect(instances[0]?.primaryId).toBe('postgres-abcdef');
    expect(emu.current.calls().byAction.CreateReadOnlyDBInstance?.outcomes).toEqual({ LostResponse: 1 });
  });

  it('makes provisioning fail: the replica ends isolated', async () => {
    emu.current.addFaults({
      rules: [{ action: 'CreateReadOnlyDBInstance', sequence: ['ProvisioningFails'] }],
    });
    const res = await create();

    clock.advance(60_000);
    const attribute = await sdkClient(emu.current).DescribeDBInstanceAttribute({
      DBInstanceId: res.DBInstanceIdSet?.[0] ?? '',
    });

    expect(attribute.DBInstance?.DBInstanceStatus).toBe('isolated');
    expect(emu.current.instances()[0]).toMatchObject({ status: 'isolated', runningAt: null });
  });

  it('makes provisioning never finish: the replica stays initing', async () => {
    emu.current.addFaults({
      rules: [{ action: 'CreateReadOnlyDBInstance', sequence: ['ProvisioningStuck'] }],
    });
    const res = await create();

    clock.advance(120_000);
    const attribute = await sdkClient(emu.current).DescribeDBInstanceAttribute({
      DBInstanceId: res.DBInstanceIdSet?.[0] ?? '',
    });

    expect(attribute.DBInstance?.DBInstanceStatus).toBe('initing');
    expect(emu.current.instances()[0]?.runningAt).toBeNull();
  });

  it('refuses provisioning faults for actions that provision nothing', () => {
    expect(() =>
      emu.current.addFaults({
        rules: [{ action: 'DescribeZones', kind: 'ProvisioningFails', probability: 1 }],
      }),
    ).toThrow(/provisioning faults apply only to CreateReadOnlyDBInstance/);
  });

  it('counts injected faults by kind and by action, and stops injecting once cleared', async () => {
    emu.current.addFaults({ rules: [{ action: 'DescribeZones', kind: 'InternalError', probability: 1 }] });
    await outcome(sdkClient(emu.current).DescribeZones({}));
    await outcome(sdkClient(emu.current).DescribeZones({}));

    emu.current.clearFaults();
    const after = await outcome(sdkClient(emu.current).DescribeZones({}));

    expect(after).toBe('ok');
    expect(emu.current.faults().injected).toEqual({
      total: 2,
      byKind: { InternalError: 2 },
      byAction: { DescribeZones: { InternalError: 2 } },
    });
  });
});
