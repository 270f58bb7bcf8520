import { RESERVED_TAG_PREFIX } from '#shared/domain/idempotency.ts';
import { describeValue } from '#shared/domain/replica-request-issues.ts';
import * as z from '#shared/util/zod-mini.ts';

/**
 * One zod schema per `CreateReadOnlyDBInstance` input parameter (seed page §2), named as Tencent
 * names them. The request, the plan and the policy's defaults are all built from these, so a
 * rule is written once. Id shapes follow Tencent's (`postgres-xxxxxxxx`, `vpc-…`) without
 * insisting on the exact length: emulators and older accounts use other lengths.
 */

/** The regions the seed page says `CreateReadOnlyDBInstance` supports. */
export const SUPPORTED_REGIONS = [
  'ap-bangkok',
  'ap-beijing',
  'ap-chengdu',
  'ap-chongqing',
  'ap-guangzhou',
  'ap-hongkong',
  'ap-jakarta',
  'ap-nanjing',
  'ap-seoul',
  'ap-shanghai',
  'ap-shanghai-fsi',
  'ap-shenzhen-fsi',
  'ap-singapore',
  'ap-tokyo',
  'eu-frankfurt',
  'na-ashburn',
  'na-siliconvalley',
  'sa-saopaulo',
] as const;
export type Region = (typeof SUPPORTED_REGIONS)[number];

export const CHARGE_TYPES = ['PREPAID', 'POSTPAID_BY_HOUR'] as const;
export type ChargeType = (typeof CHARGE_TYPES)[number];
/** Tencent's default when `InstanceChargeType` is not sent. */
export const DEFAULT_CHARGE_TYPE: ChargeType = 'PREPAID';

/** Purchase durations in months, per charge type (seed page, `Period`). */
export const PERIODS_BY_CHARGE_TYPE: Readonly<Record<ChargeType, readonly number[]>> = {
  PREPAID: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 24, 36],
  POSTPAID_BY_HOUR: [1],
};

export const MAX_INSTANCE_COUNT = 6;
export const STORAGE_STEP_GB = 10;
/** `Name` must be shorter than this (seed page: "a length of less than 60"). */
export const NAME_LENGTH_LIMIT = 60;

const SUPPORTED_REGION_SET: ReadonlySet<string> = new Set(SUPPORTED_REGIONS);
const ZONE_PATTERN = /^([a-z]+(?:-[a-z]+)+)-(\d+)$/;

/** The region a zone belongs to (`ap-beijing-4` → `ap-beijing`), or undefined if it is not zone-shaped. */
export const regionOfZone = (zone: string): string | undefined => ZONE_PATTERN.exec(zone)?.[1];

/** Why a `Period` does not fit a charge type, or undefined when it does. */
export const periodProblem = (period: number, chargeType: ChargeType): string | undefined => {
  if (PERIODS_BY_CHARGE_TYPE[chargeType].includes(period)) return undefined;
  return chargeType === 'POSTPAID_BY_HOUR'
    ? `must be 1 for POSTPAID_BY_HOUR (got ${period})`
    : `must be 1–12, 24 or 36 months for PREPAID (got ${period})`;
};

/** Why a `Zone` is not in a `Region`, or undefined when it is. */
export const zoneRegionProblem = (zone: string, region: string): string | undefined =>
  regionOfZone(zone) === region ? undefined : `must be a zone of Region ${region} (got "${zone}")`;

const got = (issue: { readonly input?: unknown }): string => `(got ${describeValue(issue.input)})`;

/** A Tencent resource id: `<prefix>-` then lowercase letters and digits. */
const resourceId = (prefix: string) =>
  z.string().check(
    z.maxLength(64),
    z.regex(new RegExp(`^${prefix}-[a-z0-9]+$`), {
      error: (issue) => `must look like ${prefix}-xxxxxxxx ${got(issue)}`,
    }),
  );

const flag = z.literal([0, 1]);

const HAN_LETTERS_DIGITS = /^[\p{Script=Han}A-Za-z0-9_-]*$/u;

export const tencentFields = {
  Region: z.enum(SUPPORTED_REGIONS, {
    error: (issue) => `must be a region CreateReadOnlyDBInstance supports, like ap-beijing ${got(issue)}`,
  }),
  Zone: z.string().check(
    z.maxLength(64),
    z.refine((zone) => SUPPORTED_REGION_SET.has(regionOfZone(zone) ?? ''), {
      error: (issue) => `must be a zone of a supported region, like ap-beijing-4 ${got(issue)}`,
    }),
  ),
  MasterDBInstanceId: resourceId('postgres'),
  SpecCode: z.string().check(
    z.maxLength(64),
    z.regex(/^[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*$/, {
      error: (issue) => `must be a spec code like pg.it.small2 ${got(issue)}`,
    }),
  ),
  Storage: z.int().check(z.positive(), z.multipleOf(STORAGE_STEP_GB)),
  InstanceCount: z.int().check(z.gte(1), z.lte(MAX_INSTANCE_COUNT)),
  Period: z.int().check(
    z.refine((period) => PERIODS_BY_CHARGE_TYPE.PREPAID.includes(period), {
      error: (issue) => `must be 1–12, 24 or 36 months ${got(issue)}`,
    }),
  ),
  VpcId: resourceId('vpc'),
  SubnetId: resourceId('subnet'),
  InstanceChargeType: z.enum(CHARGE_TYPES),
  AutoVoucher: flag,
  VoucherIds: z.array(z.string().check(z.minLength(1), z.maxLength(64))).check(
    // A refinement, not `z.maxLength(1)`: zod stops every later check on an oversized array.
    z.refine((ids) => ids.length <= 1, {
      error: (issue) => `only one voucher can be specified (got ${(issue.input as unknown[]).length})`,
    }),
  ),
  AutoRenewFlag: flag,
  ProjectId: z.int().check(z.gte(0)),
  ActivityId: z.int().check(z.gte(0)),
  /** `""` means "no group": Tencent puts the replica in a new one. */
  ReadOnlyGroupId: z.string().check(
    z.maxLength(64),
    z.regex(/^(?:pgrogrp-[a-z0-9]+)?$/, {
      error: (issue) => `must be "" or look like pgrogrp-xxxxxxxx ${got(issue)}`,
    }),
  ),
  TagList: z.strictObject({
    TagKey: z.string().check(
      z.minLength(1),
      z.maxLength(127),
      // replica-flow's own tags are how reconciliation finds a replica: a caller's must not pass for one.
      z.refine((key) => !key.trim().toLowerCase().startsWith(RESERVED_TAG_PREFIX), {
        error: (issue) =>
          `must not start with "${RESERVED_TAG_PREFIX}" (reserved for replica-flow's own tags) ${got(issue)}`,
      }),
    ),
    TagValue: z.string().check(z.maxLength(255)),
  }),
  SecurityGroupIds: z.array(resourceId('sg')),
  NeedSupportIpv6: flag,
  Name: z.string().check(
    z.minLength(1),
    z.regex(HAN_LETTERS_DIGITS, {
      error: (issue) => `may contain only Chinese characters, letters, digits, "_" and "-" ${got(issue)}`,
    }),
    z.refine((name) => [...name].length < NAME_LENGTH_LIMIT, {
      error: (issue) => `must be shorter than ${NAME_LENGTH_LIMIT} characters ${got(issue)}`,
    }),
  ),
  /** Deprecated by Tencent (the kernel version follows the primary): accepted, never sent. */
  DBVersion: z.string().check(z.maxLength(32)),
  DedicatedClusterId: z.string().check(
    z.maxLength(64),
    z.regex(/^[A-Za-z0-9_-]+$/, {
      error: (issue) => `may contain only letters, digits, "_" and "-" ${got(issue)}`,
    }),
  ),
  DeletionProtection: z.boolean(),
} as const;

/** The fields a policy may default per primary (a request can be as short as its primary's id). */
export const DEFAULTABLE_FIELDS = [
  'Region',
  'Zone',
  'SpecCode',
  'Storage',
  'InstanceCount',
  'Period',
  'VpcId',
  'SubnetId',
  'SecurityGroupIds',
  'InstanceChargeType',
] as const;
export type DefaultableField = (typeof DEFAULTABLE_FIELDS)[number];

/**
 * Cross-field rules (Period by charge type, Zone in Region) for any object holding some of the
 * fields. Runs even when other fields failed (`when: () => true`), so it reads its input warily.
 */
/** How `checkCrossFieldRules` is attached: it runs even when a field failed, so every problem is reported at once. */
export const alwaysRun = { when: () => true } as const;

export const checkCrossFieldRules = (value: unknown, ctx: z.core.$RefinementCtx<unknown>): void => {
  if (typeof value !== 'object' || value === null) return;
  const { Period, InstanceChargeType, Zone, Region } = value as Record<string, unknown>;
  if (
    typeof Period === 'number' &&
    (InstanceChargeType === 'PREPAID' || InstanceChargeType === 'POSTPAID_BY_HOUR')
  ) {
    const problem = periodProblem(Period, InstanceChargeType);
    if (problem) ctx.addIssue({ code: 'custom', path: ['Period'], message: problem, input: Period });
  }
  const zoneIsWellFormed = typeof Zone === 'string' && SUPPORTED_REGION_SET.has(regionOfZone(Zone) ?? '');
  if (zoneIsWellFormed && typeof Region === 'string' && SUPPORTED_REGION_SET.has(Region)) {
    const problem = zoneRegionProblem(Zone, Region);
    if (problem) ctx.addIssue({ code: 'custom', path: ['Zone'], message: problem, input: Zone });
  }
};
