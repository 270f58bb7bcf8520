import type { EmulatorState, GroupView } from '#emulator/state/emulator-state.ts';
import { groupChangePending, groupOf, isListed, replicaStatus } from '#emulator/state/lifecycle.ts';
import type { GroupConfig, ReplicaRecord } from '#emulator/state/records.ts';

export type GroupStatus = 'creating' | 'ok' | 'modifying' | 'deleting' | 'deleted';

/** What a group has until someone sets it (world groups, groups made by a purchase). */
export const DEFAULT_GROUP_CONFIG: GroupConfig = {
  replayLagEliminate: 1,
  replayLatencyEliminate: 1,
  maxReplayLag: 30,
  maxReplayLatency: 512,
  minDelayEliminateReserve: 1,
  rebalance: 0,
};

/** Replicas in the group at `now` (a membership change in progress counts as not done), listed ones only. */
export const membersOf = (state: EmulatorState, group: GroupView, now: number): ReplicaRecord[] =>
  state.replicasOf(group.primaryId).filter((r) => groupOf(r, now) === group.id && isListed(r, now));

/** Whether a membership change into or out of the group is still running. */
const membershipChanging = (state: EmulatorState, group: GroupView, now: number): boolean =>
  state
    .replicasOf(group.primaryId)
    .some(
      (r) =>
        groupChangePending(r, now) && (r.readOnlyGroupId === group.id || r.groupChange?.from === group.id),
    );

/** Whether the group is gone at `now` (`deleted`): its deletion alone says so, not its members. */
const isDeleted = (group: GroupView, now: number): boolean =>
  group.deletion !== undefined && now >= group.deletion.deletedAt;

/**
 * A group's `Status` at `now`: `deleting` → `deleted` after DeleteReadOnlyGroup; `creating` until its
 * create task ends and its members run; `modifying` while a member joins or leaves or its config
 * changes; otherwise `ok`.
 */
export const groupStatus = (state: EmulatorState, group: GroupView, now: number): GroupStatus => {
  if (isDeleted(group, now)) return 'deleted';
  if (group.deletion) return 'deleting';
  if (group.readyAt !== undefined && now < group.readyAt) return 'creating';
  const settling = state
    .replicasOf(group.primaryId)
    .some((r) => r.readOnlyGroupId === group.id && ['applying', 'initing'].includes(replicaStatus(r, now)));
  if (settling) return 'creating';
  if (
    (group.modifyingUntil !== undefined && now < group.modifyingUntil) ||
    membershipChanging(state, group, now)
  ) {
    return 'modifying';
  }
  return 'ok';
};

/**
 * Groups of the primary that still exist at `now` (deleted ones are gone). Decided by each group's
 * deletion alone, without its members: every purchase without a group asks this, and each makes a
 * group of its own, so a status per group (a scan of the primary's replicas each) made a burst of
 * 1000 creates cubic — 1000 groups × 1000 replicas a create by the end, on the thread the local stack
 * shares with the emulator.
 */
export const liveGroupsOf = (state: EmulatorState, primaryId: string, now: number): GroupView[] =>
  state.groupsOf(primaryId).filter((g) => !isDeleted(g, now));
