import type { Client } from 'tencentcloud-sdk-nodejs/tencentcloud/services/postgres/v20170312/postgres_client.js';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  INSTANT_TIMINGS,
  sdkClient,
  sdkFailure,
  seedCreateRequest,
  useEmulator,
} from '#emulator-test/support/emulator-fixture.ts';

const emu = useEmulator({ timings: INSTANT_TIMINGS });

const ordersPrimary = {
  MasterDBInstanceId: 'postgres-bjorder1',
  Zone: 'ap-beijing-5',
  VpcId: 'vpc-ordersbj',
  SubnetId: 'subnet-ordersb5',
  SecurityGroupIds: ['sg-orders01'],
} as const;

let client: Client;
/** ap-beijing after setup: 2 primaries + 6 seed replicas + 6 orders replicas = 14 instances. */
const TOTAL_IN_BEIJING = 14;

beforeEach(async () => {
  client = sdkClient(emu.current);
  for (const [index, name] of ['alpha', 'beta', 'gamma'].entries()) {
    await client.CreateReadOnlyDBInstance(
      seedCreateRequest({
        InstanceCount: 2,
        Name: `seed-${name}`,
        Tags: [{ TagKey: `req-${index}`, TagValue: 'x' }],
      }),
    );
    await client.CreateReadOnlyDBInstance(
      seedCreateRequest({ ...ordersPrimary, InstanceCount: 2, Name: `orders-${name}` }),
    );
  }
});

const ids = (set: { DBInstanceId?: string }[] | undefined) => (set ?? []).map((i) => i.DBInstanceId);

describe('DescribeDBInstances', () => {
  it('lists primaries and replicas of the request region only, 10 by default, with TotalCount of all', async () => {
    const res = await client.DescribeDBInstances({});

    expect(res.TotalCount).toBe(TOTAL_IN_BEIJING);
    expect(res.DBInstanceSet).toHaveLength(10);
    expect(res.DBInstanceSet?.every((i) => i.Region === 'ap-beijing')).toBe(true);
  });

  it('treats Limit 0 as the default of 10', async () => {
    const res = await client.DescribeDBInstances({ Limit: 0 });

    expect(res.DBInstanceSet).toHaveLength(10);
  });

  it('pages with Limit and Offset without overlap or gaps', async () => {
    const pages = [];
    for (let offset = 0; offset < TOTAL_IN_BEIJING; offset += 4) {
      const page = await client.DescribeDBInstances({ Limit: 4, Offset: offset });
      pages.push(...ids(page.DBInstanceSet));
    }

    expect(pages).toHaveLength(TOTAL_IN_BEIJING);
    expect(new Set(pages).size).toBe(TOTAL_IN_BEIJING);
  });

  it('rejects Limit above 100 with InvalidParameterValue', async () => {
    const error = await sdkFailure(client.DescribeDBInstances({ Limit: 101 }));

    expect(error.code).toBe('InvalidParameterValue.InvalidParameterValueError');
    expect(error.message).toContain('Limit');
  });

  it('rejects a negative Offset with InvalidParameterValue', async () => {
    const error = await sdkFailure(client.DescribeDBInstances({ Offset: -1 }));

    expect(error.code).toBe('InvalidParameterValue.InvalidParameterValueError');
  });

  it('filters by db-instance-id, several Values meaning OR', async () => {
    const wanted = emu.current
      .instances()
      .slice(0, 3)
      .map((i) => i.id);

    const res = await client.DescribeDBInstances({
      Filters: [{ Name: 'db-instance-id', Values: wanted }],
      Limit: 100,
    });

    expect(res.TotalCount).toBe(3);
    expect(ids(res.DBInstanceSet).sort()).toEqual([...wanted].sort());
  });

  it('filters by db-instance-name as a substring (fuzzy) match', async () => {
    const res = await client.DescribeDBInstances({
      Filters: [{ Name: 'db-instance-name', Values: ['alph'] }],
    });

    expect(res.TotalCount).toBe(4);
    expect(res.DBInstanceSet?.map((i) => i.DBInstanceName).sort()).toEqual([
      'orders-alpha',
      'orders-alpha',
      'seed-alpha',
      'seed-alpha',
    ]);
  });

  it('filters by db-tag-key', async () => {
    const res = await client.DescribeDBInstances({ Filters: [{ Name: 'db-tag-key', Values: ['req-1'] }] });

    expect(res.TotalCount).toBe(2);
    expect(res.DBInstanceSet?.every((i) => i.DBInstanceName === 'seed-beta')).toBe(true);
  });

  it('combines several filters with AND', async () => {
    const res = await client.DescribeDBInstances({
      Filters: [
        { Name: 'db-instance-name', Values: ['alpha', 'gamma'] },
        { Name: 'db-tag-key', Values: ['req-0', 'req-1'] },
      ],
    });

    expect(res.TotalCount).toBe(2);
    expect(res.DBInstanceSet?.every((i) => i.DBInstanceName === 'seed-alpha')).toBe(true);
  });

  it('finds nothing for a name no instance has, with TotalCount 0', async () => {
    const res = await client.DescribeDBInstances({
      Filters: [{ Name: 'db-instance-name', Values: ['nope'] }],
    });

    expect(res).toMatchObject({ TotalCount: 0, DBInstanceSet: [] });
  });

  it('filters by db-pay-mode and db-project-id', async () => {
    const postpaid = await client.DescribeDBInstances({
      Filters: [{ Name: 'db-pay-mode', Values: ['postpaid'] }],
    });
    const project1 = await client.DescribeDBInstances({
      Filters: [{ Name: 'db-project-id', Values: ['1'] }],
    });

    expect(postpaid.TotalCount).toBe(TOTAL_IN_BEIJING);
    expect(project1.TotalCount).toBe(TOTAL_IN_BEIJING - 1);
  });

  it('rejects an unknown filter name with InvalidParameterValue', async () => {
    const error = await sdkFailure(
      client.DescribeDBInstances({ Filters: [{ Name: 'db-colour', Values: ['red'] }] }),
    );

    expect(error.code).toBe('InvalidParameterValue.InvalidParameterValueError');
    expect(error.message).toContain('Filters.0.Name');
  });

  it('orders by Name descending', async () => {
    const res = await client.DescribeDBInstances({ OrderBy: 'Name', OrderByType: 'desc', Limit: 100 });
    const names = res.DBInstanceSet?.map((i) => i.DBInstanceName ?? '') ?? [];

    expect(names).toEqual([...names].sort().reverse());
    expect(names[0]).toBe('seed-primary');
  });

  it('orders by CreateTime ascending by default: world primaries first', async () => {
    const res = await client.DescribeDBInstances({ Limit: 2 });

    expect(ids(res.DBInstanceSet)).toEqual(['postgres-bjorder1', 'postgres-abcdef']);
  });

  it('rejects an unknown OrderBy with InvalidParameterValue', async () => {
    const error = await sdkFailure(client.DescribeDBInstances({ OrderBy: 'Colour' }));

    expect(error.code).toBe('InvalidParameterValue.InvalidParameterValueError');
  });

  it('keeps every number in the response a safe integer for JSON.parse', async () => {
    const res = await client.DescribeDBInstances({ Limit: 100 });
    const numbers: number[] = [];
    JSON.stringify(res, (_key, value: unknown) => {
      if (typeof value === 'number') numbers.push(value);
      return value;
    });

    expect(numbers.length).toBeGreaterThan(0);
    expect(numbers.every((n) => Number.isSafeInteger(n))).toBe(true);
  });
});
