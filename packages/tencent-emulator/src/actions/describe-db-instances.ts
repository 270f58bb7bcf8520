import * as z from 'zod';
import { defineAction } from '#emulator/actions/action.ts';
import { filtersParam, readDirection, readFilters, sortBy } from '#emulator/actions/list-query.ts';
import { apiErrors } from '#emulator/protocol/api-error.ts';
import { type CatalogEntry, instancesInRegion } from '#emulator/views/instance-catalog.ts';

const params = z.strictObject({
  Filters: filtersParam,
  Limit: z.int().optional(),
  Offset: z.int().optional(),
  OrderBy: z.string().optional(),
  OrderByType: z.string().optional(),
});

type Matcher = (entry: CatalogEntry, values: ReadonlySet<string>) => boolean;

const some = (values: ReadonlySet<string>, test: (value: string) => boolean): boolean =>
  [...values].some(test);

/** The filter names of DescribeDBInstances (SDK 4.1.313); the emulator has no public or dedicated-cluster instances. */
const MATCHERS: Record<string, Matcher> = {
  'db-instance-id': (e, values) => values.has(e.id),
  'db-instance-name': (e, values) => some(values, (v) => e.name.includes(v)),
  'db-project-id': (e, values) => values.has(String(e.projectId)),
  'db-pay-mode': (e, values) => values.has(e.payType),
  'db-tag-key': (e, values) => e.tagKeys.some((key) => values.has(key)),
  'db-private-ip': (e, values) => e.privateIp !== '' && values.has(e.privateIp),
  'db-public-address': () => false,
  'db-dedicated-cluster-id': () => false,
};

const SORT_KEYS: Record<string, (e: CatalogEntry) => string | number> = {
  DBInstanceId: (e) => e.id,
  CreateTime: (e) => e.createdAt,
  Name: (e) => e.name,
  EndTime: (e) => e.expiresAt,
};

const DEFAULT_LIMIT = 10;
const MAX_LIMIT = 100;

/**
 * DescribeDBInstances over the region's primaries and listed replicas: filters (OR within,
 * AND across), `TotalCount` of all matches, `Limit` 0–100 (0 = 10), `Offset`, `OrderBy`/`OrderByType`.
 */
export const describeDBInstances = defineAction({
  name: 'DescribeDBInstances',
  params,
  handle(env, call) {
    const p = call.params;
    const filters = readFilters(p.Filters, Object.keys(MATCHERS));
    const limit = p.Limit ?? 0;
    const offset = p.Offset ?? 0;
    if (limit < 0 || limit > MAX_LIMIT) throw apiErrors.invalidValue('Limit', `[0, ${MAX_LIMIT}]`);
    if (offset < 0) throw apiErrors.invalidValue('Offset', '[0, INF)');
    const sortKey = SORT_KEYS[p.OrderBy ?? 'CreateTime'];
    if (!sortKey) throw apiErrors.invalidValue('OrderBy', Object.keys(SORT_KEYS).join(', '));
    const direction = readDirection(p.OrderByType);

    const matches = instancesInRegion(env.state, call.region, call.now).filter((entry) =>
      [...filters].every(([name, values]) => (MATCHERS[name] as Matcher)(entry, values)),
    );
    const page = sortBy(matches, sortKey, direction).slice(
      offset,
      offset + (limit === 0 ? DEFAULT_LIMIT : limit),
    );
    return { TotalCount: matches.length, DBInstanceSet: page.map((entry) => entry.render()) };
  },
});
