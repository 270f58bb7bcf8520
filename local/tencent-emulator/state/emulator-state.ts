import type {
  GroupRecord,
  OrderRecord,
  PersistedState,
  ReplicaRecord,
} from '#local/tencent-emulator/state/records.ts';
import type {
  World,
  WorldPrimary,
  WorldSpec,
  WorldZone,
} from '#local/tencent-emulator/world/world-schema.ts';

export interface ZoneLocation {
  readonly region: string;
  readonly zone: WorldZone;
}

/** A read-only group, whether it came from the world file or was created by a purchase. */
export interface GroupView {
  readonly id: string;
  readonly name: string;
  readonly primaryId: string;
  readonly createdAt: number;
}

const capacityKey = (zone: string, specCode: string): string => `${zone}/${specCode}`;

/**
 * The world (read-only, as loaded) plus everything created since: replicas, their orders, new
 * read-only groups and capacity used. Indexed for the lookups the actions make, so thousands of
 * replicas stay cheap. `onChange` fires after every mutation (persistence listens).
 */
export class EmulatorState {
  readonly world: World;
  private readonly zones = new Map<string, ZoneLocation>();
  private readonly primaries = new Map<string, WorldPrimary>();
  private readonly worldGroups = new Map<string, GroupView>();
  private readonly replicas = new Map<string, ReplicaRecord>();
  private readonly replicasByPrimary = new Map<string, ReplicaRecord[]>();
  private readonly orders = new Map<string, OrderRecord>();
  private readonly groups = new Map<string, GroupRecord>();
  private capacityUsed = new Map<string, number>();
  private sequence = 0;
  onChange: () => void = () => {};

  constructor(world: World) {
    this.world = world;
    for (const region of world.regions) {
      for (const zone of region.zones) this.zones.set(zone.zone, { region: region.region, zone });
    }
    for (const primary of world.primaries) this.primaries.set(primary.id, primary);
    for (const group of world.readOnlyGroups) {
      this.worldGroups.set(group.id, { ...group, createdAt: Date.parse('2025-01-01T00:00:00Z') });
    }
  }

  zone(name: string): ZoneLocation | undefined {
    return this.zones.get(name);
  }

  zonesOf(region: string): readonly WorldZone[] {
    return this.world.regions.find((r) => r.region === region)?.zones ?? [];
  }

  spec(zone: string, specCode: string): WorldSpec | undefined {
    return this.zones.get(zone)?.zone.specs.find((spec) => spec.specCode === specCode);
  }

  primary(id: string): WorldPrimary | undefined {
    return this.primaries.get(id);
  }

  allPrimaries(): readonly WorldPrimary[] {
    return this.world.primaries;
  }

  group(id: string): GroupView | undefined {
    return this.worldGroups.get(id) ?? this.groups.get(id);
  }

  groupsOf(primaryId: string): GroupView[] {
    return [...this.worldGroups.values(), ...this.groups.values()].filter((g) => g.primaryId === primaryId);
  }

  replica(id: string): ReplicaRecord | undefined {
    return this.replicas.get(id);
  }

  allReplicas(): IterableIterator<ReplicaRecord> {
    return this.replicas.values();
  }

  replicaCount(): number {
    return this.replicas.size;
  }

  replicasOf(primaryId: string): readonly ReplicaRecord[] {
    return this.replicasByPrimary.get(primaryId) ?? [];
  }

  order(dealName: string): OrderRecord | undefined {
    return this.orders.get(dealName);
  }

  /** Instances of this zone/spec still for sale; `undefined` when the world sets no limit. */
  capacityLeft(zone: string, specCode: string): number | undefined {
    const entry = this.world.capacity.find((c) => c.zone === zone && c.specCode === specCode);
    if (!entry) return undefined;
    return entry.remaining - (this.capacityUsed.get(capacityKey(zone, specCode)) ?? 0);
  }

  /** A number unique for the emulator's lifetime (private IPs, flow ids). */
  nextSequence(): number {
    this.sequence += 1;
    return this.sequence;
  }

  /** Commits one purchase: its replicas, their orders and the group it created (if any), atomically. */
  commitPurchase(purchase: {
    readonly replicas: readonly ReplicaRecord[];
    readonly orders: readonly OrderRecord[];
    readonly newGroup?: GroupRecord;
  }): void {
    if (purchase.newGroup) this.groups.set(purchase.newGroup.id, purchase.newGroup);
    for (const replica of purchase.replicas) this.addReplica(replica);
    for (const order of purchase.orders) this.orders.set(order.dealName, order);
    this.onChange();
  }

  private addReplica(replica: ReplicaRecord): void {
    this.replicas.set(replica.id, replica);
    const siblings = this.replicasByPrimary.get(replica.primaryId);
    if (siblings) siblings.push(replica);
    else this.replicasByPrimary.set(replica.primaryId, [replica]);
    const key = capacityKey(replica.zone, replica.specCode);
    this.capacityUsed.set(key, (this.capacityUsed.get(key) ?? 0) + 1);
  }

  /** Forgets everything created since the world was loaded. */
  reset(): void {
    this.replicas.clear();
    this.replicasByPrimary.clear();
    this.orders.clear();
    this.groups.clear();
    this.capacityUsed = new Map();
    this.sequence = 0;
    this.onChange();
  }

  snapshot(): PersistedState {
    return {
      format: 'replica-flow-tencent-emulator/1',
      replicas: [...this.replicas.values()],
      orders: [...this.orders.values()],
      groups: [...this.groups.values()],
      capacityUsed: Object.fromEntries(this.capacityUsed),
      sequence: this.sequence,
    };
  }

  /** Loads a persisted snapshot (replacing the current contents) without firing `onChange`. */
  restore(snapshot: PersistedState): void {
    this.replicas.clear();
    this.replicasByPrimary.clear();
    this.orders.clear();
    this.groups.clear();
    for (const group of snapshot.groups) this.groups.set(group.id, group);
    for (const replica of snapshot.replicas) this.addReplica(replica);
    for (const order of snapshot.orders) this.orders.set(order.dealName, order);
    this.capacityUsed = new Map(Object.entries(snapshot.capacityUsed));
    this.sequence = snapshot.sequence;
  }
}
