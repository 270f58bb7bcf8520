import type { ReplicaRecord } from '#local/tencent-emulator/state/records.ts';
import type { Timings } from '#local/tencent-emulator/world/world-schema.ts';

/** A replica's DBInstanceStatus at `now`: `applying` → `initing` → `running` (or `isolated`, or stuck). */
export const replicaStatus = (
  replica: ReplicaRecord,
  now: number,
): 'applying' | 'initing' | 'running' | 'isolated' => {
  if (now < replica.initingAt) return 'applying';
  if (replica.settlesAt === null || now < replica.settlesAt) return 'initing';
  return replica.outcome === 'isolated' ? 'isolated' : 'running';
};

/** When the replica became `running`, or `null` if it is not running (yet, or ever). */
export const runningSince = (replica: ReplicaRecord, now: number): number | null =>
  replica.outcome === 'running' && replica.settlesAt !== null && now >= replica.settlesAt
    ? replica.settlesAt
    : null;

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
