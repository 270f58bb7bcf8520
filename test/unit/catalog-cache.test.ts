import { describe, expect, it } from 'vitest';
import { INSTANCE_ANSWER_MS, withCatalogCache } from '#shared/adapters/tencent/catalog-cache.ts';
import type { TencentPostgres } from '#shared/ports/tencent-postgres.ts';

/** A Tencent port that counts calls and answers each zone list with the call's number. */
const countingTencent = () => {
  const calls: string[] = [];
  let fail = false;
  const tencent = {
    describeZones: async (region: string) => {
      calls.push(`DescribeZones ${region}`);
      if (fail) throw new Error('throttled');
      return { ZoneSet: [{ Zone: `${region}-${calls.length}` }] };
    },
    describeClasses: async (region: string, request: { Zone: string }) => {
      calls.push(`DescribeClasses ${region} ${request.Zone}`);
      return { ClassInfoSet: [] };
    },
    describeDBInstanceAttribute: async () => {
      calls.push('DescribeDBInstanceAttribute');
      return {};
    },
  } as unknown as TencentPostgres;
  return { tencent, calls, failNext: () => (fail = true), recover: () => (fail = false) };
};

describe('withCatalogCache', () => {
  it('asks Tencent once per region and request within the window, also for concurrent callers', async () => {
    let now = 0;
    const fake = countingTencent();
    const cached = withCatalogCache(fake.tencent, { ttlMs: 60_000, now: () => now });

    const answers = await Promise.all(
      Array.from({ length: 10 }, () => cached.describeZones('ap-beijing', {})),
    );
    await cached.describeClasses('ap-beijing', {
      Zone: 'ap-beijing-4',
      DBEngine: 'postgresql',
      DBMajorVersion: '12',
    });
    await cached.describeClasses('ap-beijing', {
      Zone: 'ap-beijing-4',
      DBEngine: 'postgresql',
      DBMajorVersion: '12',
    });
    await cached.describeClasses('ap-beijing', {
      Zone: 'ap-beijing-5',
      DBEngine: 'postgresql',
      DBMajorVersion: '12',
    });
    now = 59_999;
    await cached.describeZones('ap-beijing', {});

    expect(new Set(answers.map((answer) => answer.ZoneSet?.[0]?.Zone))).toEqual(new Set(['ap-beijing-1']));
    expect(fake.calls).toEqual([
      'DescribeZones ap-beijing',
      'DescribeClasses ap-beijing ap-beijing-4',
      'DescribeClasses ap-beijing ap-beijing-5',
    ]);
  });

  it('asks again once the window has passed', async () => {
    let now = 0;
    const fake = countingTencent();
    const cached = withCatalogCache(fake.tencent, { ttlMs: 60_000, now: () => now });

    await cached.describeZones('ap-beijing', {});
    now = 60_000;
    const fresh = await cached.describeZones('ap-beijing', {});

    expect(fake.calls).toHaveLength(2);
    expect(fresh.ZoneSet?.[0]?.Zone).toBe('ap-beijing-2');
  });

  it('forgets a failed answer at once', async () => {
    const fake = countingTencent();
    const cached = withCatalogCache(fake.tencent, { ttlMs: 60_000, now: () => 0 });

    fake.failNext();
    await expect(cached.describeZones('ap-beijing', {})).rejects.toThrow('throttled');
    fake.recover();
    await cached.describeZones('ap-beijing', {});
    await cached.describeZones('ap-beijing', {});

    expect(fake.calls).toEqual(['DescribeZones ap-beijing', 'DescribeZones ap-beijing']);
  });

  it('shares the answer about one primary for a second only, and passes every other call through', async () => {
    let now = 0;
    const fake = countingTencent();
    const instanceCalls: string[] = [];
    const cached = withCatalogCache(
      {
        ...fake.tencent,
        describeDBInstances: async () => {
          instanceCalls.push('DescribeDBInstances');
          return {};
        },
      } as TencentPostgres,
      { ttlMs: 60_000, now: () => now },
    );
    const primary = (id: string) => cached.describeDBInstanceAttribute('ap-beijing', { DBInstanceId: id });

    await Promise.all([primary('postgres-abcdef'), primary('postgres-abcdef'), primary('postgres-other1')]);
    now = INSTANCE_ANSWER_MS - 1;
    await primary('postgres-abcdef');
    now = INSTANCE_ANSWER_MS;
    await primary('postgres-abcdef');
    await cached.describeDBInstances('ap-beijing', {});
    await cached.describeDBInstances('ap-beijing', {});

    expect(fake.calls).toEqual([
      'DescribeDBInstanceAttribute',
      'DescribeDBInstanceAttribute',
      'DescribeDBInstanceAttribute',
    ]);
    expect(instanceCalls).toHaveLength(2);
  });
});
