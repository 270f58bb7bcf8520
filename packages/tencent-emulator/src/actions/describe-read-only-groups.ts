import * as z from 'zod';
import { defineAction } from '#emulator/actions/action.ts';
import { filtersParam, readDirection, readFilters, sortBy } from '#emulator/actions/list-query.ts';
import { ApiError, apiErrors } from '#emulator/protocol/api-error.ts';
import type { GroupView } from '#emulator/state/emulator-state.ts';
import { liveGroupsOf } from '#emulator/state/group-lifecycle.ts';
import { readOnlyGroupView } from '#emulator/views/read-only-group-view.ts';
import type { WorldPrimary } from '#emulator/world/world-schema.ts';

const params = z.strictObject({
  Filters: filtersParam,
  PageSize: z.int().optional(),
  PageNumber: z.int().optional(),
  OrderBy: z.string().optional(),
  OrderByType: z.string().optional(),
});

const SORT_KEYS: Record<string, (g: GroupView) => string | number> = {
  ROGroupId: (g) => g.id,
  CreateTime: (g) => g.createdAt,
  Name: (g) => g.name,
};

/**
 * DescribeReadOnlyGroups: `db-master-instance-id` is required; `read-only-group-id` and
 * `read-only-group-name` narrow; PageSize ≤ 99. Deleted groups are gone; members are listed.
 */
export const describeReadOnlyGroups = defineAction({
  name: 'DescribeReadOnlyGroups',
  params,
  handle(env, call) {
    const p = call.params;
    const filters = readFilters(p.Filters, [
      'db-master-instance-id',
      'read-only-group-id',
      'read-only-group-name',
    ]);
    const primaryIds = filters.get('db-master-instance-id');
    if (!primaryIds) throw apiErrors.invalidValue('Filters', 'a db-master-instance-id filter is required');
    const pageSize = p.PageSize === undefined || p.PageSize === 0 ? 10 : p.PageSize;
    const pageNumber = p.PageNumber === undefined || p.PageNumber === 0 ? 1 : p.PageNumber;
    if (pageSize < 1 || pageSize > 99) throw apiErrors.invalidValue('PageSize', '[1, 99]');
    if (pageNumber < 1) throw apiErrors.invalidValue('PageNumber', '[1, INF)');
    const sortKey = SORT_KEYS[p.OrderBy ?? 'CreateTime'];
    if (!sortKey) throw apiErrors.invalidValue('OrderBy', Object.keys(SORT_KEYS).join(', '));
    const direction = readDirection(p.OrderByType);

    const primaries: WorldPrimary[] = [];
    for (const id of primaryIds) {
      const primary = env.state.primary(id);
      if (!primary || primary.region !== call.region) {
        throw new ApiError(
          'ResourceNotFound.InstanceNotFoundError',
          `The instance \`${id}\` does not exist in region ${call.region}.`,
        );
      }
      primaries.push(primary);
    }
    const groupIds = filters.get('read-only-group-id');
    const groupNames = filters.get('read-only-group-name');
    const groups = primaries.flatMap((primary) =>
      liveGroupsOf(env.state, primary.id, call.now)
        .filter((group) => !groupIds || groupIds.has(group.id))
        .filter((group) => !groupNames || groupNames.has(group.name))
        .map((group) => ({ id: group.id, group, primary })),
    );
    const page = sortBy(groups, (g) => sortKey(g.group), direction).slice(
      (pageNumber - 1) * pageSize,
      pageNumber * pageSize,
    );
    return {
      ReadOnlyGroupList: page.map(({ group, primary }) =>
        readOnlyGroupView(env.state, group, primary, call.now),
      ),
    };
  },
});
