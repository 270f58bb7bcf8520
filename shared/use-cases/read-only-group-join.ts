import { TencentApiError } from '#shared/adapters/tencent/tencent-api-error.ts';
import type { ReadOnlyGroupPolicy } from '#shared/domain/policy-fleet.ts';
import type { ReplicaPlan, RequestRecord } from '#shared/domain/request-record.ts';
import { logger } from '#shared/logger.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { RequestStore } from '#shared/ports/request-store.ts';
import type { TencentPostgres } from '#shared/ports/tencent-postgres.ts';
import type { KnownGroups } from '#shared/use-cases/known-groups.ts';

/**
 * The read-only group a replica joins at creation (`ReadOnlyGroupId`), or why the create must wait:
 * - `groupId` absent: no group (`mode: none`): Tencent makes one per create, as before;
 * - `retry`: another create of this primary is making its group, or Tencent was busy: try later;
 * - `failed`: Tencent refused to make the group (e.g. `FailedOperation.ROGroupNumExceedError`).
 */
export type GroupJoin =
  | { readonly groupId?: string }
  | { readonly retry: string }
  | { readonly failed: TencentApiError };

export interface GroupJoinDependencies {
  readonly tencent: TencentPostgres;
  readonly store: Pick<RequestStore, 'acquireLock' | 'releaseLock'>;
  readonly clock: Clock;
  /** How long the per-primary group lock holds: at least a create call's lease. */
  readonly leaseMs: number;
  readonly owner?: string;
  /** The groups this function instance already found or made (`known-groups.ts`); absent: ask each time. */
  readonly knownGroups?: KnownGroups;
}

/** The group `auto` finds or makes when the policy names none (Tencent: under 60 characters). */
export const defaultGroupName = (primaryId: string): string => `rf-${primaryId}`.slice(0, 59);

/** The store lock that lets one create at a time make a primary's group. */
export const groupLockName = (primaryId: string): string => `read-only-group#${primaryId}`;

const GONE = new Set(['deleting', 'deleted']);

/** The primary's live group of that name (the oldest id when several), found by name. */
export const findGroupByName = async (
  plan: ReplicaPlan,
  name: string,
  tencent: TencentPostgres,
): Promise<string | undefined> => {
  const { ReadOnlyGroupList = [] } = await tencent.describeReadOnlyGroups(plan.Region, {
    Filters: [
      { Name: 'db-master-instance-id', Values: [plan.MasterDBInstanceId] },
      { Name: 'read-only-group-name', Values: [name] },
    ],
  });
  return ReadOnlyGroupList.filter(
    (group) => group.ReadOnlyGroupName === name && !GONE.has(group.Status ?? '') && group.ReadOnlyGroupId,
  )
    .map((group) => group.ReadOnlyGroupId as string)
    .sort()[0];
};

const settings = (policy: ReadOnlyGroupPolicy) => {
  const lag = policy.maxReplayLag !== undefined || policy.maxReplayLatency !== undefined;
  return {
    ReplayLagEliminate: lag ? 1 : 0,
    ReplayLatencyEliminate: lag ? 1 : 0,
    MaxReplayLag: policy.maxReplayLag ?? 0,
    MaxReplayLatency: policy.maxReplayLatency ?? 0,
    MinDelayEliminateReserve: policy.minDelayEliminateReserve ?? 0,
  };
};

/**
 * Finds or makes the group a replica of this record joins (`readOnlyGroup` as validation copied it).
 * A group id given by the request or the policy is used as it is. With `auto`, the primary's group is
 * found by name; only the holder of the per-primary store lock makes it, after looking once more, and
 * an unknown outcome keeps the lock until it expires, by when the group is listed: so concurrent
 * first scale-outs and lost answers never make a second group (CreateReadOnlyGroup has no client
 * token). The others wait (`retry`) and find it by name.
 */
export const joinReadOnlyGroup = async (
  record: RequestRecord,
  deps: GroupJoinDependencies,
): Promise<GroupJoin> => {
  const plan = record.plan as ReplicaPlan;
  const policy = record.fleet?.readOnlyGroup;
  if (plan.ReadOnlyGroupId) return { groupId: plan.ReadOnlyGroupId };
  if (!policy || policy.mode === 'none') return {};
  if (policy.mode !== 'auto') return { groupId: policy.mode };
  const name = policy.name ?? defaultGroupName(plan.MasterDBInstanceId);
  const lock = groupLockName(plan.MasterDBInstanceId);
  const owner = deps.owner ?? record.requestId;
  const known = deps.knownGroups?.get(plan.Region, plan.MasterDBInstanceId, name);
  if (known) return { groupId: known };
  const remember = (groupId: string): GroupJoin => {
    deps.knownGroups?.set(plan.Region, plan.MasterDBInstanceId, name, groupId);
    return { groupId };
  };
  let locked = false;
  try {
    const found = await findGroupByName(plan, name, deps.tencent);
    if (found) return remember(found);
    const now = deps.clock.now();
    locked = await deps.store.acquireLock(lock, owner, new Date(now.getTime() + deps.leaseMs), now);
    if (!locked) return { retry: `another create is making read-only group ${name}` };
    const again = await findGroupByName(plan, name, deps.tencent);
    if (again) return remember(again);
    const answer = await deps.tencent.createReadOnlyGroup(plan.Region, {
      MasterDBInstanceId: plan.MasterDBInstanceId,
      Name: name,
      VpcId: plan.VpcId,
      SubnetId: plan.SubnetId,
      ...settings(policy),
    });
    logger.info('create: made the read-only group', {
      requestId: record.requestId,
      readOnlyGroupId: answer.ReadOnlyGroupId,
      name,
    });
    // The lock stays until it expires: a create that does not see the new group yet must not make another.
    return answer.ReadOnlyGroupId ? remember(answer.ReadOnlyGroupId) : { retry: 'no group id answered' };
  } catch (error) {
    const tencentError = error instanceof TencentApiError ? error : undefined;
    // Only a call that certainly made nothing frees the lock; an unknown outcome keeps it.
    if (locked && tencentError && tencentError.kind !== 'ambiguous')
      await deps.store.releaseLock(lock, owner);
    if (tencentError?.kind === 'business' && tencentError.action === 'CreateReadOnlyGroup')
      return { failed: tencentError };
    if (!tencentError) throw error;
    return { retry: `${tencentError.action}: ${tencentError.tencentCode ?? tencentError.kind}` };
  }
};
