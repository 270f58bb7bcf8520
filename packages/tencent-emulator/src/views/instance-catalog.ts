import type { EmulatorState } from '#emulator/state/emulator-state.ts';
import { isListed } from '#emulator/state/lifecycle.ts';
import type { ReplicaRecord } from '#emulator/state/records.ts';
import { primaryView, replicaView } from '#emulator/views/db-instance-view.ts';
import { addMonths } from '#emulator/views/tencent-time.ts';
import type { WorldPrimary } from '#emulator/world/world-schema.ts';

/**
 * An instance as the Describe calls filter and sort it; `render()` builds the full `DBInstance`
 * only for the page actually returned.
 */
export interface CatalogEntry {
  readonly id: string;
  readonly name: string;
  readonly createdAt: number;
  /** Expiry (ms) for sorting by EndTime; postpaid instances never expire. */
  readonly expiresAt: number;
  readonly projectId: number;
  readonly payType: 'prepaid' | 'postpaid';
  readonly tagKeys: readonly string[];
  readonly privateIp: string;
  render(): Record<string, unknown>;
}

const fromPrimary = (state: EmulatorState, primary: WorldPrimary, now: number): CatalogEntry => {
  const createdAt = Date.parse(primary.createdAt);
  const prepaid = primary.chargeType === 'PREPAID';
  return {
    id: primary.id,
    name: primary.name,
    createdAt,
    expiresAt: prepaid ? addMonths(createdAt, 36) : Number.MAX_SAFE_INTEGER,
    projectId: primary.projectId,
    payType: prepaid ? 'prepaid' : 'postpaid',
    tagKeys: primary.tags.map((t) => t.key),
    privateIp: primary.privateIp,
    render: () => primaryView(state, primary, now),
  };
};

const fromReplica = (state: EmulatorState, replica: ReplicaRecord, now: number): CatalogEntry => {
  const prepaid = replica.chargeType === 'PREPAID';
  return {
    id: replica.id,
    name: replica.name,
    createdAt: replica.createdAt,
    expiresAt: prepaid ? addMonths(replica.createdAt, replica.periodMonths) : Number.MAX_SAFE_INTEGER,
    projectId: replica.projectId,
    payType: prepaid ? 'prepaid' : 'postpaid',
    tagKeys: replica.tags.map((t) => t.TagKey),
    privateIp: now >= replica.initingAt ? replica.privateIp : '',
    render: () => replicaView(state, replica, now),
  };
};

/** Every instance callers can see in `region` at `now`: the world's primaries and listed replicas. */
export const instancesInRegion = (state: EmulatorState, region: string, now: number): CatalogEntry[] => {
  const entries: CatalogEntry[] = [];
  for (const primary of state.allPrimaries()) {
    if (primary.region === region) entries.push(fromPrimary(state, primary, now));
  }
  for (const replica of state.allReplicas()) {
    if (replica.region === region && isListed(replica, now)) entries.push(fromReplica(state, replica, now));
  }
  return entries;
};

/** One instance by id, as DescribeDBInstanceAttribute sees it (unlisted replicas do not exist yet). */
export const findInstance = (
  state: EmulatorState,
  region: string,
  id: string,
  now: number,
): CatalogEntry | undefined => {
  const primary = state.primary(id);
  if (primary) return primary.region === region ? fromPrimary(state, primary, now) : undefined;
  const replica = state.replica(id);
  return replica && replica.region === region && isListed(replica, now)
    ? fromReplica(state, replica, now)
    : undefined;
};
