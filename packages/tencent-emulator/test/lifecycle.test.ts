import { describe, expect, it } from 'vitest';
import {
  movableClock,
  sdkClient,
  sdkFailure,
  seedCreateRequest,
  useEmulator,
} from '#emulator-test/support/emulator-fixture.ts';

const clock = movableClock();
const emu = useEmulator({
  now: clock.now,
  timings: {
    orderVisibleAfterMs: 1000,
    orderIdsLagMs: 0,
    listedAfterMs: 1000,
    applyingMs: 1000,
    initingMs: 2000,
  },
});

const attribute = async (id: string) =>
  (await sdkClient(emu.current).DescribeDBInstanceAttribute({ DBInstanceId: id })).DBInstance;

const primary = async () => attribute('postgres-abcdef');

describe('replica lifecycle (computed from timestamps at read time)', () => {
  it('is unknown until listed, then applying → initing → running, with a private address opened at the end', async () => {
    const res = await sdkClient(emu.current).CreateReadOnlyDBInstance(seedCreateRequest());
    const id = res.DBInstanceIdSet?.[0] ?? '';

    const unlisted = await sdkFailure(
      sdkClient(emu.current).DescribeDBInstanceAttribute({ DBInstanceId: id }),
    );
    clock.advance(1000);
    const initing = await attribute(id);
    clock.advance(1999);
    const stillIniting = await attribute(id);
    clock.advance(1);
    const running = await attribute(id);

    expect(unlisted.code).toBe('ResourceNotFound.InstanceNotFoundError');
    expect(emu.current.instances()[0]?.status).toBe('running');
    expect(initing?.DBInstanceStatus).toBe('initing');
    expect(stillIniting?.DBInstanceStatus).toBe('initing');
    expect(initing?.DBInstanceNetInfo?.[0]).toMatchObject({
      NetType: 'private',
      Port: 5432,
      Status: 'initing',
    });
    expect(running).toMatchObject({
      DBInstanceStatus: 'running',
      DBInstanceType: 'readonly',
      MasterDBInstanceId: 'postgres-abcdef',
      StatusInReadonlyGroup: 'running',
    });
    expect(running?.DBInstanceNetInfo?.[0]).toMatchObject({
      NetType: 'private',
      Port: 5432,
      Status: 'opened',
    });
    expect(running?.DBInstanceNetInfo?.[0]?.Ip).toMatch(/^10\.\d+\.\d+\.\d+$/);
  });

  it('shows applying when the instance is listed before provisioning starts', async () => {
    emu.current.setTimings({ listedAfterMs: 0, applyingMs: 5000 });
    const res = await sdkClient(emu.current).CreateReadOnlyDBInstance(seedCreateRequest());

    const listed = await attribute(res.DBInstanceIdSet?.[0] ?? '');

    expect(listed?.DBInstanceStatus).toBe('applying');
    expect(listed?.DBInstanceNetInfo?.[0]?.Ip).toBe('');
  });

  it('records runningAt once the replica runs', async () => {
    await sdkClient(emu.current).CreateReadOnlyDBInstance(seedCreateRequest());
    const created = emu.current.instances()[0];

    clock.advance(3000);
    const ran = emu.current.instances()[0];

    expect(created?.runningAt).toBeNull();
    expect(ran?.runningAt).toBe((created?.createdAt ?? 0) + 3000);
  });

  it('counts listed replicas in the primary ReadOnlyInstanceNum', async () => {
    const before = await primary();
    await sdkClient(emu.current).CreateReadOnlyDBInstance(seedCreateRequest({ InstanceCount: 2 }));

    const unlisted = await primary();
    clock.advance(1000);
    const listed = await primary();

    expect(before?.ReadOnlyInstanceNum).toBe(0);
    expect(unlisted?.ReadOnlyInstanceNum).toBe(0);
    expect(listed?.ReadOnlyInstanceNum).toBe(2);
  });

  it('shows the new read-only group creating until its members run, then ok', async () => {
    await sdkClient(emu.current).CreateReadOnlyDBInstance(seedCreateRequest());
    const groups = () =>
      sdkClient(emu.current).DescribeReadOnlyGroups({
        Filters: [{ Name: 'db-master-instance-id', Values: ['postgres-abcdef'] }],
      });

    clock.advance(1000);
    const creating = (await groups()).ReadOnlyGroupList?.[0];
    clock.advance(2000);
    const ok = (await groups()).ReadOnlyGroupList?.[0];

    expect(creating?.Status).toBe('creating');
    expect(creating?.ReadOnlyDBInstanceList).toHaveLength(1);
    expect(ok?.Status).toBe('ok');
    expect(ok?.ReadOnlyDBInstanceList?.[0]?.DBInstanceStatus).toBe('running');
  });

  it('hides a prepaid deal until it is visible, then shows it with empty ids during the ids lag', async () => {
    emu.current.setTimings({ orderVisibleAfterMs: 1000, orderIdsLagMs: 500 });
    const client = sdkClient(emu.current, { region: 'ap-guangzhou' });
    const res = await client.CreateReadOnlyDBInstance(
      seedCreateRequest({
        MasterDBInstanceId: 'postgres-gzprep01',
        Zone: 'ap-guangzhou-3',
        VpcId: 'vpc-billinggz',
        SubnetId: 'subnet-billgz03',
        InstanceChargeType: 'PREPAID',
      }),
    );
    const deals = async () => (await client.DescribeOrders({ DealNames: res.DealNames ?? [] })).Deals;

    const hidden = await deals();
    clock.advance(1000);
    const visibleWithoutIds = await deals();
    clock.advance(500);
    const complete = await deals();

    expect(res.DBInstanceIdSet).toEqual([]);
    expect(hidden).toEqual([]);
    expect(visibleWithoutIds?.[0]?.DBInstanceIdSet).toEqual([]);
    expect(complete?.[0]?.DBInstanceIdSet).toEqual([emu.current.instances()[0]?.id]);
  });

  it('applies timings changed at run time to replicas created afterwards only', async () => {
    await sdkClient(emu.current).CreateReadOnlyDBInstance(seedCreateRequest());
    emu.current.setTimings({ applyingMs: 60_000, listedAfterMs: 0 });
    await sdkClient(emu.current).CreateReadOnlyDBInstance(seedCreateRequest());

    clock.advance(3000);
    const [first, second] = emu.current.instances();

    expect(first?.status).toBe('running');
    expect(second?.status).toBe('applying');
  });

  it('resets timings to the start values with the rest of the state', () => {
    emu.current.setTimings({ applyingMs: 1 });

    emu.current.reset();

    expect(emu.current.timings().applyingMs).toBe(1000);
  });
});
