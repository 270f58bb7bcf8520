import { describe, expect, it } from 'vitest';
import { startEmulator } from '#emulator/server.ts';
import {
  INSTANT_TIMINGS,
  sdkClient,
  sdkFailure,
  seedCreateRequest,
  useEmulator,
} from '#emulator-test/support/emulator-fixture.ts';
import { defaultWorldWith } from '#emulator-test/support/worlds.ts';

const emu = useEmulator({ timings: INSTANT_TIMINGS });

const create = (overrides: Parameters<typeof seedCreateRequest>[0] = {}, region = 'ap-beijing') =>
  sdkClient(emu.current, { region }).CreateReadOnlyDBInstance(seedCreateRequest(overrides));

const failureOf = async (overrides: Parameters<typeof seedCreateRequest>[0], region = 'ap-beijing') =>
  sdkFailure(create(overrides, region));

/** A valid request for the default world's prepaid primary in Guangzhou. */
const guangzhouPrepaid = {
  MasterDBInstanceId: 'postgres-gzprep01',
  Zone: 'ap-guangzhou-3',
  VpcId: 'vpc-billinggz',
  SubnetId: 'subnet-billgz03',
  SecurityGroupIds: ['sg-billing1'],
  InstanceChargeType: 'PREPAID',
  Storage: 200,
} as const;

describe('CreateReadOnlyDBInstance', () => {
  describe('success', () => {
    it('creates one replica per InstanceCount, each with its own digit DealName and one shared BillId', async () => {
      const res = await create({ InstanceCount: 3 });

      expect(res.DealNames).toHaveLength(3);
      expect(new Set(res.DealNames).size).toBe(3);
      for (const deal of res.DealNames ?? []) expect(deal).toMatch(/^\d{20,}$/);
      expect(res.BillId).toMatch(/^\d+$/);
      expect(res.DBInstanceIdSet).toHaveLength(3);
      for (const id of res.DBInstanceIdSet ?? []) expect(id).toMatch(/^pgro-[a-z0-9]{8}$/);
      expect(
        emu.current
          .instances()
          .map((i) => i.id)
          .sort(),
      ).toEqual([...(res.DBInstanceIdSet ?? [])].sort());
    });

    it('returns no DBInstanceIdSet for a prepaid purchase: the ids come from DescribeOrders', async () => {
      const res = await create(guangzhouPrepaid, 'ap-guangzhou');
      const orders = await sdkClient(emu.current, { region: 'ap-guangzhou' }).DescribeOrders({
        DealNames: res.DealNames ?? [],
      });

      expect(res.DBInstanceIdSet).toEqual([]);
      expect(res.DealNames).toHaveLength(1);
      expect(orders.Deals?.[0]?.PayMode).toBe(1);
      expect(orders.Deals?.[0]?.DBInstanceIdSet).toEqual([emu.current.instances()[0]?.id]);
    });

    it('stores TagList (one tag) and Tags (array) together and returns them in DBInstance.TagList', async () => {
      const res = await create({
        TagList: { TagKey: 'replica-flow-request', TagValue: 'r-123' },
        Tags: [{ TagKey: 'team', TagValue: 'orders' }],
        Name: 'rf-r-123',
      });
      const attribute = await sdkClient(emu.current).DescribeDBInstanceAttribute({
        DBInstanceId: res.DBInstanceIdSet?.[0] ?? '',
      });

      expect(attribute.DBInstance?.TagList).toEqual([
        { TagKey: 'replica-flow-request', TagValue: 'r-123' },
        { TagKey: 'team', TagValue: 'orders' },
      ]);
      expect(attribute.DBInstance?.DBInstanceName).toBe('rf-r-123');
      expect(emu.current.instances()[0]?.tags).toHaveLength(2);
    });

    it('keeps the Tags value when TagList names the same key (one tag per key)', async () => {
      const res = await create({
        TagList: { TagKey: 'replica-flow-request-id', TagValue: 'r-forged0000000000' },
        Tags: [{ TagKey: 'replica-flow-request-id', TagValue: 'r-0123456789abcdef' }],
      });
      const attribute = await sdkClient(emu.current).DescribeDBInstanceAttribute({
        DBInstanceId: res.DBInstanceIdSet?.[0] ?? '',
      });

      expect(attribute.DBInstance?.TagList).toEqual([
        { TagKey: 'replica-flow-request-id', TagValue: 'r-0123456789abcdef' },
      ]);
    });

    it('records who created each replica: SecretId and the RequestId of the create', async () => {
      const res = await create();

      expect(emu.current.instances()[0]).toMatchObject({
        secretId: emu.current.credentials.secretId,
        requestId: res.RequestId,
        dealName: res.DealNames?.[0],
        billId: res.BillId,
        primaryId: 'postgres-abcdef',
      });
    });

    it('accepts a name of Chinese characters, letters, digits, _ and - up to 59 characters', async () => {
      const name = `只读-replica_${'a'.repeat(59 - 11)}`;

      const res = await create({ Name: name });

      expect([...name]).toHaveLength(59);
      expect(res.DBInstanceIdSet).toHaveLength(1);
    });

    it('puts the replicas into the read-only group given', async () => {
      const res = await create(
        {
          MasterDBInstanceId: 'postgres-sgsearch',
          Zone: 'ap-singapore-2',
          VpcId: 'vpc-searchsg',
          SubnetId: 'subnet-searchs2',
          SecurityGroupIds: ['sg-search01'],
          SpecCode: 'pg.it.large8',
          ReadOnlyGroupId: 'pgrogrp-sgsearch',
        },
        'ap-singapore',
      );

      expect(emu.current.instances()[0]).toMatchObject({
        id: res.DBInstanceIdSet?.[0],
        readOnlyGroupId: 'pgrogrp-sgsearch',
      });
    });

    it('creates a new read-only group when ReadOnlyGroupId is empty', async () => {
      await create({ InstanceCount: 2 });
      const groups = await sdkClient(emu.current).DescribeReadOnlyGroups({
        Filters: [{ Name: 'db-master-instance-id', Values: ['postgres-abcdef'] }],
      });

      expect(groups.ReadOnlyGroupList).toHaveLength(1);
      expect(groups.ReadOnlyGroupList?.[0]?.ReadOnlyGroupId).toMatch(/^pgrogrp-[a-z0-9]{8}$/);
      expect(groups.ReadOnlyGroupList?.[0]?.ReadOnlyDBInstanceList).toHaveLength(2);
    });
  });

  describe('the primary', () => {
    it('rejects an unknown primary with ResourceNotFound.InstanceNotFoundError', async () => {
      const error = await failureOf({ MasterDBInstanceId: 'postgres-zzzzzzzz' });

      expect(error.code).toBe('ResourceNotFound.InstanceNotFoundError');
    });

    it('does not find a primary of another region', async () => {
      const error = await failureOf({ ...guangzhouPrepaid, Zone: 'ap-beijing-4' });

      expect(error.code).toBe('ResourceNotFound.InstanceNotFoundError');
    });

    it('rejects a primary that is not running with OperationDenied.InstanceStatusLimitError', async () => {
      const error = await failureOf(
        {
          MasterDBInstanceId: 'postgres-shisol01',
          Zone: 'ap-shanghai-2',
          VpcId: 'vpc-archivesh',
          SubnetId: 'subnet-archsh02',
          SecurityGroupIds: [],
        },
        'ap-shanghai',
      );

      expect(error.code).toBe('OperationDenied.InstanceStatusLimitError');
    });
  });

  describe('placement and spec', () => {
    it.each([
      ['a zone of another region', 'ap-guangzhou-3'],
      ['a zone that does not exist', 'ap-beijing-99'],
      ['a zone of the region that is not the primary zone', 'ap-beijing-3'],
    ])('rejects %s with InvalidParameterValue.IllegalZone', async (_case, zone) => {
      const error = await failureOf({ Zone: zone });

      expect(error.code).toBe('InvalidParameterValue.IllegalZone');
    });

    it('places a replica in another zone where the primary VPC has a subnet (its subnet there)', async () => {
      const res = await create({ Zone: 'ap-beijing-5', SubnetId: 'subnet-bj5seed1' });

      const { DBInstance } = await sdkClient(emu.current, {
        region: 'ap-beijing',
      }).DescribeDBInstanceAttribute({
        DBInstanceId: res.DBInstanceIdSet?.[0] ?? '',
      });
      expect(DBInstance).toMatchObject({ Zone: 'ap-beijing-5', SubnetId: 'subnet-bj5seed1' });
    });

    it("rejects the primary zone's subnet in another zone with InvalidParameter.VpcNotFoundError", async () => {
      const error = await failureOf({ Zone: 'ap-beijing-5', SubnetId: 'subnet-1i9huswn' });

      expect(error.code).toBe('InvalidParameter.VpcNotFoundError');
    });

    it('rejects a sold-out zone of the primary VPC with ResourceInsufficient.ResourceNotEnough', async () => {
      const error = await failureOf({ Zone: 'ap-beijing-6', SubnetId: 'subnet-bj6seed1' });

      expect(error.code).toBe('ResourceInsufficient.ResourceNotEnough');
    });

    it.each([
      ['a spec the zone does not sell', 'pg.it.xlarge32'],
      ['a spec no longer on sale', 'pg.it.legacy1'],
      ['a spec not sold for the primary major version', 'pg.it.v9only2'],
    ])('rejects %s with InvalidParameterValue.BadSpec', async (_case, spec) => {
      const error = await failureOf({ SpecCode: spec });

      expect(error.code).toBe('InvalidParameterValue.BadSpec');
    });

    it.each([
      ['not a multiple of 10', 105],
      ['below the spec minimum', 0],
      ['above the spec maximum', 1010],
    ])('rejects Storage %s with InvalidParameterValue.InvalidParameterValueError', async (_case, storage) => {
      const error = await failureOf({ Storage: storage });

      expect(error.code).toBe('InvalidParameterValue.InvalidParameterValueError');
      expect(error.message).toContain('Storage');
    });

    it('rejects a spec whose capacity is exhausted with ResourceInsufficient.ResourceNotEnough', async () => {
      const error = await failureOf({ SpecCode: 'pg.it.large8' });

      expect(error.code).toBe('ResourceInsufficient.ResourceNotEnough');
    });
  });

  describe('counts, billing and names', () => {
    it.each([0, 7])(
      'rejects InstanceCount %i with InvalidParameterValue.InvalidInstanceNum',
      async (count) => {
        const error = await failureOf({ InstanceCount: count });

        expect(error.code).toBe('InvalidParameterValue.InvalidInstanceNum');
      },
    );

    it.each([
      ['PREPAID', 13],
      ['PREPAID', 0],
      ['POSTPAID_BY_HOUR', 2],
    ])(
      'rejects a %s Period of %i with InvalidParameterValue.InvalidParameterValueError',
      async (charge, period) => {
        const error = await failureOf(
          charge === 'PREPAID' ? { ...guangzhouPrepaid, Period: period } : { Period: period },
          charge === 'PREPAID' ? 'ap-guangzhou' : 'ap-beijing',
        );

        expect(error.code).toBe('InvalidParameterValue.InvalidParameterValueError');
        expect(error.message).toContain('Period');
      },
    );

    it('rejects a prepaid replica of a postpaid primary with IllegalInstanceChargeType', async () => {
      const error = await failureOf({ InstanceChargeType: 'PREPAID' });

      expect(error.code).toBe('InvalidParameterValue.IllegalInstanceChargeType');
    });

    it('rejects an omitted charge type for a postpaid primary, because it defaults to PREPAID', async () => {
      const request: Record<string, unknown> = { ...seedCreateRequest() };
      delete request.InstanceChargeType;

      const error = await sdkFailure(sdkClient(emu.current).CreateReadOnlyDBInstance(request as never));

      expect(error.code).toBe('InvalidParameterValue.IllegalInstanceChargeType');
      expect(error.message).toContain('defaults to PREPAID');
    });

    it('accepts a postpaid replica of a prepaid primary', async () => {
      const res = await create(
        { ...guangzhouPrepaid, InstanceChargeType: 'POSTPAID_BY_HOUR', Period: 1 },
        'ap-guangzhou',
      );

      expect(res.DBInstanceIdSet).toHaveLength(1);
    });

    it('rejects a charge type that does not exist with IllegalInstanceChargeType', async () => {
      const error = await failureOf({ InstanceChargeType: 'SPOTPAID' });

      expect(error.code).toBe('InvalidParameterValue.IllegalInstanceChargeType');
    });

    it.each(['replica 1', 'replica.1', 'réplica', 'ro@primary'])(
      'rejects the name %j with InvalidParameterValue.ParameterCharacterError',
      async (name) => {
        const error = await failureOf({ Name: name });

        expect(error.code).toBe('InvalidParameterValue.ParameterCharacterError');
      },
    );

    it('rejects a name of 60 characters with InvalidParameterValue.ParameterLengthLimitError', async () => {
      const error = await failureOf({ Name: '只'.repeat(60) });

      expect(error.code).toBe('InvalidParameterValue.ParameterLengthLimitError');
    });
  });

  describe('network', () => {
    it('rejects a VPC other than the primary one with InvalidParameter.VpcNotFoundError', async () => {
      const error = await failureOf({ VpcId: 'vpc-00000000' });

      expect(error.code).toBe('InvalidParameter.VpcNotFoundError');
    });

    it('rejects a subnet other than the primary one with InvalidParameter.VpcNotFoundError', async () => {
      const error = await failureOf({ SubnetId: 'subnet-00000000' });

      expect(error.code).toBe('InvalidParameter.VpcNotFoundError');
      expect(error.message).toContain('subnet-00000000');
    });

    it('rejects a purchase without VPC and subnet with FailedOperation.CreateBasicNetworkDeniedError', async () => {
      const request: Record<string, unknown> = { ...seedCreateRequest() };
      delete request.VpcId;
      delete request.SubnetId;

      const error = await sdkFailure(sdkClient(emu.current).CreateReadOnlyDBInstance(request as never));

      expect(error.code).toBe('FailedOperation.CreateBasicNetworkDeniedError');
    });

    it('rejects a VPC without its subnet with MissingParameter `SubnetId`', async () => {
      const error = await failureOf({ SubnetId: '' });

      expect(error.code).toBe('MissingParameter');
      expect(error.message).toContain('`SubnetId`');
    });
  });

  describe('read-only groups', () => {
    it('rejects an unknown ReadOnlyGroupId with FailedOperation.ROGroupNotFoundError', async () => {
      const error = await failureOf({ ReadOnlyGroupId: 'pgrogrp-zzzzzzzz' });

      expect(error.code).toBe('FailedOperation.ROGroupNotFoundError');
    });

    it('rejects the group of another primary with FailedOperation.ROGroupNotFoundError', async () => {
      const error = await failureOf({ ReadOnlyGroupId: 'pgrogrp-sgsearch' });

      expect(error.code).toBe('FailedOperation.ROGroupNotFoundError');
    });
  });
});

describe('CreateReadOnlyDBInstance against world limits', () => {
  it('rejects replicas beyond the world per-primary limit with OperationDenied.RoInstanceCountExeedError', async () => {
    const limited = await startEmulator({
      world: defaultWorldWith((w) => {
        w.limits.maxReadOnlyPerPrimary = 3;
      }),
    });
    try {
      const client = sdkClient(limited);
      await client.CreateReadOnlyDBInstance(seedCreateRequest({ InstanceCount: 2 }));

      const error = await sdkFailure(
        client.CreateReadOnlyDBInstance(seedCreateRequest({ InstanceCount: 2 })),
      );
      const lastOne = await client.CreateReadOnlyDBInstance(seedCreateRequest({ InstanceCount: 1 }));

      expect(error.code).toBe('OperationDenied.RoInstanceCountExeedError');
      expect(lastOne.DBInstanceIdSet).toHaveLength(1);
    } finally {
      await limited.close();
    }
  });

  it('rejects a new group beyond the world group limit with FailedOperation.ROGroupNumExceedError', async () => {
    const limited = await startEmulator({
      world: defaultWorldWith((w) => {
        w.limits.maxReadOnlyGroupsPerPrimary = 1;
      }),
    });
    try {
      const client = sdkClient(limited);
      await client.CreateReadOnlyDBInstance(seedCreateRequest());

      const error = await sdkFailure(client.CreateReadOnlyDBInstance(seedCreateRequest()));

      expect(error.code).toBe('FailedOperation.ROGroupNumExceedError');
    } finally {
      await limited.close();
    }
  });

  it('sells a zone/spec only while its capacity lasts, then answers ResourceInsufficient.ResourceNotEnough', async () => {
    const scarce = await startEmulator({
      world: defaultWorldWith((w) => {
        w.capacity = [{ zone: 'ap-beijing-4', specCode: 'pg.it.small2', remaining: 2 }];
      }),
    });
    try {
      const client = sdkClient(scarce);
      const tooMany = await sdkFailure(
        client.CreateReadOnlyDBInstance(seedCreateRequest({ InstanceCount: 3 })),
      );
      await client.CreateReadOnlyDBInstance(seedCreateRequest({ InstanceCount: 2 }));
      const soldOut = await sdkFailure(client.CreateReadOnlyDBInstance(seedCreateRequest()));

      expect(tooMany.code).toBe('ResourceInsufficient.ResourceNotEnough');
      expect(soldOut.code).toBe('ResourceInsufficient.ResourceNotEnough');
    } finally {
      await scarce.close();
    }
  });

  it('answers ResourceInsufficient.ResourceNotEnough in a sold-out zone', async () => {
    const soldOut = await startEmulator({
      world: defaultWorldWith((w) => {
        const seed = w.primaries.find((p) => p.id === 'postgres-abcdef');
        if (seed) Object.assign(seed, { zone: 'ap-beijing-6', zoneSubnets: [] });
      }),
    });
    try {
      const error = await sdkFailure(
        sdkClient(soldOut).CreateReadOnlyDBInstance(seedCreateRequest({ Zone: 'ap-beijing-6' })),
      );

      expect(error.code).toBe('ResourceInsufficient.ResourceNotEnough');
    } finally {
      await soldOut.close();
    }
  });
});
