import type {
  GroupRecord,
  OrderRecord,
  PersistedState,
  ReplicaRecord,
  TaskRecord,
} from '#emulator/state/records.ts';
import type { World, WorldPrimary, WorldSpec, WorldZone } from '#emulator/world/world-schema.ts';

export interface ZoneLocation {
  readonly region: string;
  readonly zone: WorldZone;
}

/** A read-only group, whether it came from the world file or was created (by a purchase or CreateReadOnlyGroup). */
export type GroupView = Readonly<GroupRecord>;

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
  private readonly tasks = new Map<number, TaskRecord>();
  private readonly tasksByInstance = new Map<string, TaskRecord[]>();
  private primaryProtection = new Map<string, boolean>();
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

  /** A group by id, deleted ones included (callers judge by `groupStatus`). */
  group(id: string): GroupView | undefined {
    return this.groups.get(id) ?? this.worldGroups.get(id);
  }

  /** Every group of the primary, deleted ones included; a modified world group appears once. */
  groupsOf(primaryId: string): GroupView[] {
    const world = [...this.worldGroups.values()].filter((g) => !this.groups.has(g.id));
    return [...world, ...this.groups.values()].filter((g) => g.primaryId === primaryId);
  }

  /** Stores a new or changed group (a changed world group shadows the world's entry until reset). */
  saveGroup(group: GroupRecord): void {
    this.groups.set(group.id, group);
    this.onChange();
  }

  /** Applies a change to a replica record in place (every index holds the same object). */
  updateReplica(id: string, patch: Partial<ReplicaRecord>): void {
    const replica = this.replicas.get(id);
    if (!replica) throw new Error(`no replica ${id}`);
    Object.assign(replica, patch);
    this.onChange();
  }

  /** Applies changes to several replicas as one mutation (one `onChange`). */
  updateReplicas(patches: ReadonlyMap<string, Partial<ReplicaRecord>>): void {
    for (const [id, patch] of patches) {
      const replica = this.replicas.get(id);
      if (!replica) throw new Error(`no replica ${id}`);
      Object.assign(replica, patch);
    }
    this.onChange();
  }

  primaryDeletionProtection(id: string): boolean {
    return this.primaryProtection.get(id) ?? false;
  }

  setPrimaryDeletionProtection(id: string, protectedFromDeletion: boolean): void {
    this.primaryProtection.set(id, protectedFromDeletion);
    this.onChange();
  }

  addTask(task: TaskRecord): void {
    this.indexTask(task);
    this.onChange();
  }

  task(id: number): TaskRecord | undefined {
    return this.tasks.get(id);
  }

  tasksOf(instanceId: string): readonly TaskRecord[] {
    return this.tasksByInstance.get(instanceId) ?? [];
  }

  allTasks(): IterableIterator<TaskRecord> {
    return this.tasks.values();
  }

  private indexTask(task: TaskRecord): void {
    this.tasks.set(task.id, task);
    const siblings = this.tasksByInstance.get(task.instanceId);
    if (siblings) siblings.push(task);
    else this.tasksByInstance.set(task.instanceId, [task]);
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
    this.tasks.clear();
    this.tasksByInstance.clear();
    this.primaryProtection = new Map();
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
      tasks: [...this.tasks.values()],
      primaryDeletionProtection: Object.fromEntries(this.primaryProtection),
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
    this.tasks.clear();
    this.tasksByInstance.clear();
    for (const group of snapshot.groups) this.groups.set(group.id, group);
    for (const task of snapshot.tasks) this.indexTask(task);
    this.primaryProtection = new Map(Object.entries(snapshot.primaryDeletionProtection));
    for (const replica of snapshot.replicas) this.addReplica(replica);
    for (const order of snapshot.orders) this.orders.set(order.dealName, order);
    this.capacityUsed = new Map(Object.entries(snapshot.capacityUsed));
    this.sequence = snapshot.sequence;
  }
}
