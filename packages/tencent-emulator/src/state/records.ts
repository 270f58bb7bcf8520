import * as z from 'zod';

const tag = z.strictObject({ TagKey: z.string(), TagValue: z.string() });

/** How a replica's provisioning ends: normally, failed (ends `isolated`), or never (stuck in `initing`). */
export const provisioningOutcome = z.enum(['running', 'isolated', 'stuck']);

/**
 * One read-only instance created through CreateReadOnlyDBInstance. Every lifecycle moment is an
 * absolute timestamp fixed at creation, so status is computed at read time (no timers).
 */
export const replicaRecord = z.strictObject({
  id: z.string(),
  name: z.string(),
  region: z.string(),
  zone: z.string(),
  primaryId: z.string(),
  specCode: z.string(),
  cpu: z.int(),
  memoryMb: z.int(),
  storageGb: z.int(),
  version: z.string(),
  chargeType: z.enum(['PREPAID', 'POSTPAID_BY_HOUR']),
  periodMonths: z.int(),
  autoRenew: z.int(),
  projectId: z.int(),
  vpcId: z.string(),
  subnetId: z.string(),
  securityGroupIds: z.array(z.string()),
  tags: z.array(tag),
  readOnlyGroupId: z.string(),
  supportIpv6: z.boolean(),
  deletionProtection: z.boolean(),
  privateIp: z.string(),
  dealName: z.string(),
  billId: z.string(),
  /** SecretId that signed the create: who spent the money. */
  secretId: z.string(),
  requestId: z.string(),
  createdAt: z.number(),
  listedAt: z.number(),
  initingAt: z.number(),
  /** When provisioning ends (running or isolated); `null` when it never ends. */
  settlesAt: z.number().nullable(),
  outcome: provisioningOutcome,
  /** Set by IsolateDBInstances: `isolating` from `isolatingAt`, `isolated` from `isolatedAt`, `offline` (recycle bin expired) from `offlineAt`. */
  removal: z
    .strictObject({
      isolatingAt: z.number(),
      isolatedAt: z.number(),
      offlineAt: z.number(),
      /** Billing stops when the isolation is accepted (postpaid: no more hourly charges; prepaid: returned). */
      billingStoppedAt: z.number(),
    })
    .optional(),
  /** Set by DestroyDBInstance: `offlining` from `requestedAt`, `offline` from `offlineAt`. */
  destroy: z.strictObject({ requestedAt: z.number(), offlineAt: z.number() }).optional(),
  /** Set by DisIsolateDBInstances: `disisolating` until then, `running` after. */
  disisolatingUntil: z.number().optional(),
  /**
   * A membership change in progress or done: until `at` the replica is still in `from` (`''` = no
   * group); from `at` on, in `readOnlyGroupId`.
   */
  groupChange: z.strictObject({ from: z.string(), at: z.number() }).optional(),
});

/** One deal (order) per instance, as DescribeOrders shows it. */
export const orderRecord = z.strictObject({
  dealName: z.string(),
  billId: z.string(),
  instanceIds: z.array(z.string()),
  payMode: z.union([z.literal(0), z.literal(1)]),
  flowId: z.int(),
  region: z.string(),
  createdAt: z.number(),
  visibleAt: z.number(),
  idsVisibleAt: z.number(),
});

/** The replication-delay settings of a read-only group (CreateReadOnlyGroup / ModifyReadOnlyGroupConfig). */
export const groupConfig = z.strictObject({
  replayLagEliminate: z.int(),
  replayLatencyEliminate: z.int(),
  maxReplayLag: z.int(),
  maxReplayLatency: z.int(),
  minDelayEliminateReserve: z.int(),
  rebalance: z.int(),
});

/**
 * A read-only group the emulator created, or a world group once it was modified or deleted (the
 * record then shadows the world's entry until reset).
 */
export const groupRecord = z.strictObject({
  id: z.string(),
  name: z.string(),
  primaryId: z.string(),
  createdAt: z.number(),
  /** CreateReadOnlyGroup: `creating` until then. */
  readyAt: z.number().optional(),
  projectId: z.int().optional(),
  securityGroupIds: z.array(z.string()).optional(),
  config: groupConfig.optional(),
  /** ModifyReadOnlyGroupConfig: `modifying` until then. */
  modifyingUntil: z.number().optional(),
  /** DeleteReadOnlyGroup: `deleting` from `requestedAt`, gone from `deletedAt`. */
  deletion: z.strictObject({ requestedAt: z.number(), deletedAt: z.number() }).optional(),
});

/** A task (flow) as DescribeTasks shows it: `Running` until `endsAt`, then `Success`. */
export const taskRecord = z.strictObject({
  id: z.int(),
  type: z.string(),
  instanceId: z.string(),
  region: z.string(),
  startedAt: z.number(),
  endsAt: z.number(),
  /** `TaskDetail.Input`: the request that started it, as JSON. */
  input: z.string(),
});

export type ReplicaRecord = z.output<typeof replicaRecord>;
export type OrderRecord = z.output<typeof orderRecord>;
export type GroupRecord = z.output<typeof groupRecord>;
export type GroupConfig = z.output<typeof groupConfig>;
export type TaskRecord = z.output<typeof taskRecord>;
export type ProvisioningOutcome = z.output<typeof provisioningOutcome>;
export type TagValue = z.output<typeof tag>;

/** The persisted part of the emulator: everything created since the world was loaded. */
export const persistedState = z.strictObject({
  format: z.literal('replica-flow-tencent-emulator/1'),
  replicas: z.array(replicaRecord),
  orders: z.array(orderRecord),
  groups: z.array(groupRecord),
  /** Tasks of group membership changes and group creation/deletion (absent in older files). */
  tasks: z.array(taskRecord).default([]),
  /** DeletionProtection set on world primaries through ModifyDBInstanceDeletionProtection. */
  primaryDeletionProtection: z.record(z.string(), z.boolean()).default({}),
  /** Instances sold per `zone/specCode`, against the world's capacity entries. */
  capacityUsed: z.record(z.string(), z.int()),
  sequence: z.int(),
});
export type PersistedState = z.output<typeof persistedState>;
