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

/** A read-only group the emulator created (groups from the world file are not repeated here). */
export const groupRecord = z.strictObject({
  id: z.string(),
  name: z.string(),
  primaryId: z.string(),
  createdAt: z.number(),
});

export type ReplicaRecord = z.output<typeof replicaRecord>;
export type OrderRecord = z.output<typeof orderRecord>;
export type GroupRecord = z.output<typeof groupRecord>;
export type ProvisioningOutcome = z.output<typeof provisioningOutcome>;
export type TagValue = z.output<typeof tag>;

/** The persisted part of the emulator: everything created since the world was loaded. */
export const persistedState = z.strictObject({
  format: z.literal('replica-flow-tencent-emulator/1'),
  replicas: z.array(replicaRecord),
  orders: z.array(orderRecord),
  groups: z.array(groupRecord),
  /** Instances sold per `zone/specCode`, against the world's capacity entries. */
  capacityUsed: z.record(z.string(), z.int()),
  sequence: z.int(),
});
export type PersistedState = z.output<typeof persistedState>;
