import type { ReplicaRecord } from '#emulator/state/records.ts';
import type { Timings } from '#emulator/world/world-schema.ts';

export type ReplicaStatus =
  | 'applying'
  | 'initing'
  | 'running'
  | 'isolating'
  | 'isolated'
  | 'disisolating'
  | 'offlining'
  | 'offline';

/** Statuses of a replica on its way out: it no longer counts as one of the primary's read-only instances. */
export const REMOVED_STATUSES: ReadonlySet<ReplicaStatus> = new Set([
  'isolating',
  'isolated',
  'offlining',
  'offline',
]);

/**
 * A replica's DBInstanceStatus at `now`: `applying` → `initing` → `running` (or `isolated`, or
 * stuck); after IsolateDBInstances `isolating` → `isolated` → `offline` (recycle bin expired);
 * after DestroyDBInstance `offlining` → `offline`; after DisIsolateDBInstances `disisolating` → `running`.
 */
export const replicaStatus = (replica: ReplicaRecord, now: number): ReplicaStatus => {
  if (replica.destroy) return now < replica.destroy.offlineAt ? 'offlining' : 'offline';
  if (replica.removal) {
    if (now < replica.removal.isolatedAt) return 'isolating';
    return now < replica.removal.offlineAt ? 'isolated' : 'offline';
  }
  if (replica.disisolatingUntil !== undefined && now < replica.disisolatingUntil) return 'disisolating';
  if (now < replica.initingAt) return 'applying';
  if (replica.settlesAt === null || now < replica.settlesAt) return 'initing';
  return replica.outcome === 'isolated' ? 'isolated' : 'running';
};

/** When the replica's provisioning made it `running` (kept after a later isolation), or `null` if it never did. */
export const runningSince = (replica: ReplicaRecord, now: number): number | null =>
  replica.outcome === 'running' && replica.settlesAt !== null && now >= replica.settlesAt
    ? replica.settlesAt
    : null;

/** The read-only group the replica is in at `now` (`''` = none), honouring a change in progress. */
export const groupOf = (replica: ReplicaRecord, now: number): string =>
  replica.groupChange && now < replica.groupChange.at ? replica.groupChange.from : replica.readOnlyGroupId;

/** Whether a group membership change of the replica is still running at `now`. */
export const groupChangePending = (replica: ReplicaRecord, now: number): boolean =>
  replica.groupChange !== undefined && now < replica.groupChange.at;

/** When the replica's recycle-bin stay or destroy ended (`offline`), or `null`. */
export const offlineSince = (replica: ReplicaRecord, now: number): number | null => {
  const at = replica.destroy?.offlineAt ?? replica.removal?.offlineAt;
  return at !== undefined && now >= at ? at : null;
};

export const isListed = (replica: ReplicaRecord, now: number): boolean => now >= replica.listedAt;

/** The lifecycle moments of a replica created at `createdAt` with the timings in force then. */
export const scheduleReplica = (
  createdAt: number,
  timings: Timings,
  outcome: ReplicaRecord['outcome'],
): Pick<ReplicaRecord, 'createdAt' | 'listedAt' | 'initingAt' | 'settlesAt' | 'outcome'> => ({
  createdAt,
  listedAt: createdAt + timings.listedAfterMs,
  initingAt: createdAt + timings.applyingMs,
  settlesAt: outcome === 'stuck' ? null : createdAt + timings.applyingMs + timings.initingMs,
  outcome,
});
