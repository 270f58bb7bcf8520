import { describe, expect, it } from 'vitest';
import {
  INSTANT_TIMINGS,
  sdkClient,
  sdkFailure,
  seedCreateRequest,
  useEmulator,
} from '#emulator-test/support/emulator-fixture.ts';

const emu = useEmulator({ timings: INSTANT_TIMINGS });

describe('DescribeDBInstanceAttribute', () => {
  it('describes a world primary with its network, tags and the seed values', async () => {
    const res = await sdkClient(emu.current).DescribeDBInstanceAttribute({ DBInstanceId: 'postgres-abcdef' });

    expect(res.DBInstance).toMatchObject({
      DBInstanceId: 'postgres-abcdef',
      DBInstanceStatus: 'running',
      DBInstanceType: 'primary',
      Zone: 'ap-beijing-4',
      VpcId: 'vpc-8btfafeo',
      SubnetId: 'subnet-1i9huswn',
      DBVersion: '12.22',
      DBMajorVersion: '12',
      DBInstanceClass: 'pg.it.small2',
      PayType: 'postpaid',
      ProjectId: 1,
    });
    expect(res.DBInstance?.DBInstanceNetInfo?.[0]).toMatchObject({
      Ip: '10.0.0.10',
      Port: 5432,
      Status: 'opened',
    });
  });

  it('does not find an instance of another region', async () => {
    const error = await sdkFailure(
      sdkClient(emu.current, { region: 'ap-guangzhou' }).DescribeDBInstanceAttribute({
        DBInstanceId: 'postgres-abcdef',
      }),
    );

    expect(error.code).toBe('ResourceNotFound.InstanceNotFoundError');
  });
});

describe('DescribeOrders', () => {
  it('rejects an empty DealNames with InvalidParameterValue.NullDealNames', async () => {
    const error = await sdkFailure(sdkClient(emu.current).DescribeOrders({ DealNames: [] }));

    expect(error.code).toBe('InvalidParameterValue.NullDealNames');
  });

  it('leaves unknown deal names out', async () => {
    const created = await sdkClient(emu.current).CreateReadOnlyDBInstance(seedCreateRequest());

    const res = await sdkClient(emu.current).DescribeOrders({
      DealNames: ['20250101000000000000000', ...(created.DealNames ?? [])],
    });

    expect(res.TotalCount).toBe(1);
    expect(res.Deals?.[0]).toMatchObject({ DealName: created.DealNames?.[0], OwnerUin: '100000000001' });
  });
});

describe('DescribeZones', () => {
  it('lists the zones of the request region with their state and standby zones', async () => {
    const res = await sdkClient(emu.current, { region: 'ap-beijing' }).DescribeZones({});

    expect(res.TotalCount).toBe(4);
    expect(res.ZoneSet?.find((z) => z.Zone === 'ap-beijing-4')).toMatchObject({
      ZoneId: 800004,
      ZoneState: 'AVAILABLE',
      ZoneSupportIpv6: 1,
      StandbyZoneSet: ['ap-beijing-3', 'ap-beijing-5', 'ap-beijing-6'],
    });
    expect(res.ZoneSet?.find((z) => z.Zone === 'ap-beijing-6')?.ZoneState).toBe('SELLOUT');
  });
});

describe('DescribeClasses', () => {
  it('lists the specs on sale in a zone for a major version, memory in MB', async () => {
    const res = await sdkClient(emu.current).DescribeClasses({
      Zone: 'ap-beijing-4',
      DBEngine: 'postgresql',
      DBMajorVersion: '12',
    });

    expect(res.ClassInfoSet?.map((c) => c.SpecCode)).toEqual([
      'pg.it.small2',
      'pg.it.medium4',
      'pg.it.large8',
    ]);
    expect(res.ClassInfoSet?.[0]).toEqual({
      SpecCode: 'pg.it.small2',
      CPU: 1,
      Memory: 2048,
      MinStorage: 10,
      MaxStorage: 1000,
      QPS: 2000,
    });
  });

  it('rejects a zone outside the region with InvalidParameterValue.InvalidZoneIdError', async () => {
    const error = await sdkFailure(
      sdkClient(emu.current).DescribeClasses({
        Zone: 'ap-guangzhou-3',
        DBEngine: 'postgresql',
        DBMajorVersion: '12',
      }),
    );

    expect(error.code).toBe('InvalidParameterValue.InvalidZoneIdError');
  });
});

describe('DescribeReadOnlyGroups', () => {
  it('lists the world group of a primary with its settings', async () => {
    const res = await sdkClient(emu.current, { region: 'ap-singapore' }).DescribeReadOnlyGroups({
      Filters: [{ Name: 'db-master-instance-id', Values: ['postgres-sgsearch'] }],
    });

    expect(res.ReadOnlyGroupList).toHaveLength(1);
    expect(res.ReadOnlyGroupList?.[0]).toMatchObject({
      ReadOnlyGroupId: 'pgrogrp-sgsearch',
      MasterDBInstanceId: 'postgres-sgsearch',
      Status: 'ok',
      ReadOnlyDBInstanceList: [],
    });
  });

  it('requires a db-master-instance-id filter', async () => {
    const error = await sdkFailure(sdkClient(emu.current).DescribeReadOnlyGroups({}));

    expect(error.code).toBe('InvalidParameterValue.InvalidParameterValueError');
  });

  it('rejects PageSize above 99', async () => {
    const error = await sdkFailure(
      sdkClient(emu.current).DescribeReadOnlyGroups({
        Filters: [{ Name: 'db-master-instance-id', Values: ['postgres-abcdef'] }],
        PageSize: 100,
      }),
    );

    expect(error.code).toBe('InvalidParameterValue.InvalidParameterValueError');
  });
});

describe('InquiryPriceCreateDBInstances', () => {
  it('prices a purchase in fen (CNY cents), prepaid by months', async () => {
    const request = {
      Zone: 'ap-beijing-4',
      SpecCode: 'pg.it.small2',
      Storage: 100,
      InstanceCount: 1,
      Period: 1,
    };

    const one = await sdkClient(emu.current).InquiryPriceCreateDBInstances(request);
    const two = await sdkClient(emu.current).InquiryPriceCreateDBInstances({ ...request, Period: 2 });

    expect(one.Currency).toBe('CNY');
    expect(one.Price).toBeGreaterThan(0);
    expect(two.Price).toBe((one.Price ?? 0) * 2);
  });
});
