import * as z from 'zod';

const chargeType = z.enum(['PREPAID', 'POSTPAID_BY_HOUR']);

const tag = z.strictObject({ key: z.string().min(1), value: z.string() });

/** One purchasable spec in one zone, as DescribeClasses reports it (memory in MB, storage in GB). */
const spec = z
  .strictObject({
    specCode: z.string().min(1),
    cpu: z.int().positive(),
    memoryMb: z.int().positive(),
    minStorage: z.int().positive(),
    maxStorage: z.int().positive(),
    qps: z.int().nonnegative().default(0),
    /** PostgreSQL major versions the spec is sold for; omitted = every version. */
    majorVersions: z.array(z.string().min(1)).optional(),
    /** `false` keeps the spec listed in the world but refuses new purchases (`BadSpec`). */
    onSale: z.boolean().default(true),
    /**
     * InquiryPriceCreateDBInstances: the spec's own price a month in fen, storage excluded. Absent:
     * `pricing.memoryGbMonthFen` per GB of memory.
     */
    monthlyPriceFen: z.int().nonnegative().optional(),
  })
  .refine((s) => s.minStorage <= s.maxStorage, { message: 'minStorage must not exceed maxStorage' });

const zone = z.strictObject({
  zone: z.string().regex(/^[a-z]+-[a-z-]+-\d+$/, 'a zone looks like ap-beijing-4'),
  zoneName: z.string().min(1),
  zoneId: z.int().positive(),
  state: z.enum(['AVAILABLE', 'SELLOUT', 'UNAVAILABLE', 'SUPPORTMODIFYONLY']).default('AVAILABLE'),
  supportIpv6: z.boolean().default(false),
  specs: z.array(spec).default([]),
});

const region = z.strictObject({
  region: z.string().min(1),
  zones: z.array(zone).min(1),
});

const primary = z.strictObject({
  id: z.string().regex(/^postgres-[a-z0-9]+$/, 'a primary id looks like postgres-abcdef12'),
  name: z.string().min(1),
  region: z.string().min(1),
  zone: z.string().min(1),
  chargeType,
  /** A DBInstanceStatus value; only `running` accepts new replicas. */
  status: z.string().min(1),
  /** Full version, e.g. `12.22`; the major version is derived from it. */
  version: z.string().regex(/^\d+(\.\d+)*$/, 'a version looks like 12.22'),
  specCode: z.string().min(1),
  storage: z.int().positive(),
  vpcId: z.string().min(1),
  subnetId: z.string().min(1),
  /**
   * Subnets of the primary's VPC in other zones of its region (a Tencent VPC subnet belongs to one
   * zone). A read-only instance goes in the primary's zone with `subnetId`, or in one of these zones
   * with its subnet; any other zone is `InvalidParameterValue.IllegalZone`.
   */
  zoneSubnets: z.array(z.strictObject({ zone: z.string().min(1), subnetId: z.string().min(1) })).default([]),
  securityGroupIds: z.array(z.string().min(1)).default([]),
  tags: z.array(tag).default([]),
  projectId: z.int().nonnegative().default(0),
  privateIp: z.ipv4(),
  createdAt: z.iso.datetime().default('2025-01-06T08:00:00Z'),
});

const readOnlyGroup = z.strictObject({
  id: z.string().regex(/^pgrogrp-[a-z0-9]+$/, 'a read-only group id looks like pgrogrp-abcdef12'),
  name: z.string().min(1),
  primaryId: z.string().min(1),
});

const limits = z.strictObject({
  /** Read-only instances one primary may have (`OperationDenied.RoInstanceCountExeedError`). */
  maxReadOnlyPerPrimary: z.int().nonnegative().default(10),
  /** Read-only groups one primary may have (`FailedOperation.ROGroupNumExceedError`). */
  maxReadOnlyGroupsPerPrimary: z.int().nonnegative().default(5),
});

const DAY_MS = 86_400_000;
export const POSTPAID_RECYCLE_MS = 3 * DAY_MS;
export const PREPAID_RECYCLE_MS = 7 * DAY_MS;

/** Provisioning timings in milliseconds; overridable per start and at run time. */
export const timingsSchema = z.strictObject({
  /** DescribeOrders returns nothing for a new deal until this long after the create. */
  orderVisibleAfterMs: z.int().nonnegative().default(1000),
  /** Once visible, the deal's DBInstanceIdSet stays empty this much longer. */
  orderIdsLagMs: z.int().nonnegative().default(0),
  /** A new instance is unknown to DescribeDBInstances / DescribeDBInstanceAttribute until then. */
  listedAfterMs: z.int().nonnegative().default(1000),
  /** Time in `applying`, then in `initing`, before `running`. */
  applyingMs: z.int().nonnegative().default(1000),
  initingMs: z.int().nonnegative().default(2000),
  /** IsolateDBInstances: time in `isolating` before `isolated`. */
  isolatingMs: z.int().nonnegative().default(2000),
  /** The recycle bin: an isolated postpaid instance goes `offline` by itself after this (3 days). */
  postpaidRecycleMs: z.int().nonnegative().default(POSTPAID_RECYCLE_MS),
  /** The same for a prepaid instance (7 days). */
  prepaidRecycleMs: z.int().nonnegative().default(PREPAID_RECYCLE_MS),
  /** DestroyDBInstance: time in `offlining` before `offline`; DisIsolateDBInstances: time in `disisolating`. */
  offliningMs: z.int().nonnegative().default(1000),
  /** Read-only group tasks (create, delete, add or remove a member, modify): `Running` this long, then `Success`. */
  groupTaskMs: z.int().nonnegative().default(2000),
});

const capacity = z.strictObject({
  zone: z.string().min(1),
  specCode: z.string().min(1),
  /** How many more instances of this spec the zone can sell; creates beyond it get `ResourceNotEnough`. */
  remaining: z.int().nonnegative(),
});

/**
 * The made-up, stable price list InquiryPriceCreateDBInstances answers from (integers: fen, percent).
 * A month of one instance = the spec's `monthlyPriceFen` (or memory GB × `memoryGbMonthFen`) +
 * storage / 10 × `storage10GbMonthFen`.
 */
const pricing = z.strictObject({
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'an ISO 4217 code like CNY')
    .default('CNY'),
  memoryGbMonthFen: z.int().nonnegative().default(9000),
  storage10GbMonthFen: z.int().nonnegative().default(800),
  /** `Price` is `OriginalPrice` less this percent (rounded down to the fen); 0 = no discount. */
  discountPercent: z.int().min(0).max(100).default(0),
});

const account = z.strictObject({
  appId: z.int().positive().default(1300000001),
  ownerUin: z.string().regex(/^\d+$/).default('100000000001'),
  uid: z.int().positive().default(2001),
});

export const worldSchema = z.strictObject({
  account: account.default({ appId: 1300000001, ownerUin: '100000000001', uid: 2001 }),
  regions: z.array(region).min(1),
  primaries: z.array(primary).default([]),
  readOnlyGroups: z.array(readOnlyGroup).default([]),
  limits: limits.default({ maxReadOnlyPerPrimary: 10, maxReadOnlyGroupsPerPrimary: 5 }),
  timings: timingsSchema.default({
    orderVisibleAfterMs: 1000,
    orderIdsLagMs: 0,
    listedAfterMs: 1000,
    applyingMs: 1000,
    initingMs: 2000,
    isolatingMs: 2000,
    postpaidRecycleMs: POSTPAID_RECYCLE_MS,
    prepaidRecycleMs: PREPAID_RECYCLE_MS,
    offliningMs: 1000,
    groupTaskMs: 2000,
  }),
  capacity: z.array(capacity).default([]),
  pricing: pricing.default({
    currency: 'CNY',
    memoryGbMonthFen: 9000,
    storage10GbMonthFen: 800,
    discountPercent: 0,
  }),
});

/** A world as written in a JSON file (defaults may be omitted). */
export type WorldInput = z.input<typeof worldSchema>;
/** A validated world with every default filled in. */
export type World = z.output<typeof worldSchema>;
export type Timings = z.output<typeof timingsSchema>;
export type WorldPrimary = World['primaries'][number];
export type WorldZone = World['regions'][number]['zones'][number];
export type WorldSpec = WorldZone['specs'][number];
export type WorldReadOnlyGroup = World['readOnlyGroups'][number];
export type WorldPricing = World['pricing'];
export type ChargeType = z.output<typeof chargeType>;
