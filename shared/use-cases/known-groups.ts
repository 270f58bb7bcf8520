import type { Clock } from '#shared/ports/clock.ts';

/**
 * The read-only group ids `readOnlyGroup: auto` found or made, kept by one function instance (a warm
 * Lambda container, or the local stack) for `ttlMs`, per region, primary and name. Without it every
 * create asked `DescribeReadOnlyGroups`, whose answer lists each member: a burst of creates on one
 * primary read a member list that grew with every replica, one Tencent call per create. A group
 * deleted out of band is seen again once its entry expires; until then a create naming it is refused
 * by Tencent and ends FAILED with Tencent's code.
 */
export interface KnownGroups {
  get(region: string, primaryId: string, name: string): string | undefined;
  set(region: string, primaryId: string, name: string, groupId: string): void;
}

/** One minute: a burst reads each group about once; a deleted group is noticed within a minute. */
export const KNOWN_GROUP_TTL_MS = 60_000;

export const knownGroupsFor = (clock: Clock, ttlMs = KNOWN_GROUP_TTL_MS): KnownGroups => {
  const entries = new Map<string, { readonly groupId: string; readonly until: number }>();
  const key = (region: string, primaryId: string, name: string) => `${region}\n${primaryId}\n${name}`;
  return {
    get: (region, primaryId, name) => {
      const entry = entries.get(key(region, primaryId, name));
      return entry && entry.until > clock.now().getTime() ? entry.groupId : undefined;
    },
    set: (region, primaryId, name, groupId) => {
      entries.set(key(region, primaryId, name), { groupId, until: clock.now().getTime() + ttlMs });
    },
  };
};
