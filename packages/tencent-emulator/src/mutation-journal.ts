import type { EmulatorState } from '#emulator/state/emulator-state.ts';
import { replicaStatus } from '#emulator/state/lifecycle.ts';
import type { TagValue } from '#emulator/state/records.ts';

/** The API actions that change an instance (take it out of service, regroup it, guard it). */
export const INSTANCE_MUTATIONS: ReadonlySet<string> = new Set([
  'IsolateDBInstances',
  'DisIsolateDBInstances',
  'DestroyDBInstance',
  'ModifyDBInstanceDeletionProtection',
  'AddDBInstanceToReadOnlyGroup',
  'RemoveDBInstanceFromReadOnlyGroup',
]);

/** What the emulator knew of a named instance when the call arrived. */
export interface MutationTarget {
  readonly id: string;
  /** `primary` (a world primary), `replica`, or `unknown` (no such instance). */
  readonly kind: 'primary' | 'replica' | 'unknown';
  /** The replica's primary (its own id for a primary; `''` when unknown). */
  readonly primaryId: string;
  readonly tags: readonly TagValue[];
  /** `POSTPAID_BY_HOUR` / `PREPAID` (`''` for a primary or an unknown id). */
  readonly chargeType: string;
  /** Its status just before the call (`''` for a primary or an unknown id). */
  readonly statusBefore: string;
}

/** One call of an instance-changing action, or a change made out of band (the control API). */
export interface MutationEntry {
  /** Epoch ms when it arrived. */
  readonly at: number;
  readonly action: string;
  /** `api`: an API call (anyone holding a key); `out-of-band`: `POST /_emulator/out-of-band-deletions`. */
  readonly via: 'api' | 'out-of-band';
  readonly targets: readonly MutationTarget[];
  /** The action changed Tencent's state (even if its answer was then lost or late). */
  readonly applied: boolean;
  /** `ok`, a Tencent error code, or the injected fault (`HTTP502`, `LostResponse`, …). */
  readonly outcome: string;
}

/** The instance ids a call names: `DBInstanceId` and `DBInstanceIdSet`, read leniently from its body. */
export const namedInstanceIds = (body: unknown): string[] => {
  if (typeof body !== 'object' || body === null) return [];
  const { DBInstanceId, DBInstanceIdSet } = body as Record<string, unknown>;
  const ids = typeof DBInstanceId === 'string' ? [DBInstanceId] : [];
  if (Array.isArray(DBInstanceIdSet))
    ids.push(...DBInstanceIdSet.filter((id): id is string => typeof id === 'string'));
  return ids.slice(0, 100);
};

/** The instance as the emulator holds it right now, for an entry. */
export const describeTarget = (state: EmulatorState, id: string, now: number): MutationTarget => {
  const primary = state.primary(id);
  if (primary) {
    return { id, kind: 'primary', primaryId: id, tags: [], chargeType: '', statusBefore: '' };
  }
  const replica = state.replica(id);
  if (!replica) return { id, kind: 'unknown', primaryId: '', tags: [], chargeType: '', statusBefore: '' };
  return {
    id,
    kind: 'replica',
    primaryId: replica.primaryId,
    tags: replica.tags,
    chargeType: replica.chargeType,
    statusBefore: replicaStatus(replica, now),
  };
};

/** Keeps at most this many entries (the oldest go first): a long-running emulator stays bounded. */
const MAX_ENTRIES = 100_000;

/**
 * The emulator's own record of every call that named an instance to change, whoever made it and
 * whatever came of it (refused, faulted, applied): how a test proves which instances a client
 * touched without taking the client's word (`GET /_emulator/mutations`).
 */
export class MutationJournal {
  private entries: MutationEntry[] = [];

  record(entry: MutationEntry): void {
    this.entries.push(entry);
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
  }

  snapshot(): MutationEntry[] {
    return [...this.entries];
  }

  reset(): void {
    this.entries = [];
  }
}
