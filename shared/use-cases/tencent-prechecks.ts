import type { DBInstance } from 'tencentcloud-sdk-nodejs/tencentcloud/services/postgres/v20170312/postgres_models.js';
import { TencentApiError } from '#shared/adapters/tencent/tencent-api-error.ts';
import type { PlanPrice } from '#shared/domain/plan-price.ts';
import type { ReplicaPlan, RuleViolation } from '#shared/domain/request-record.ts';
import type { TencentPostgres } from '#shared/ports/tencent-postgres.ts';
import { inquirePlanPrice } from '#shared/use-cases/plan-price-inquiry.ts';

export interface PrecheckResult {
  readonly violations: readonly RuleViolation[];
  readonly primary?: DBInstance;
  /** Tencent's price of the plan, once the primary was found and Tencent quoted it. */
  readonly price?: PlanPrice;
}

const NOT_FOUND_CODES = new Set([
  'ResourceNotFound.InstanceNotFoundError',
  'InvalidParameterValue.InstanceNotExist',
]);

const isPostpaid = (payType: string | undefined): boolean =>
  (payType ?? '').toLowerCase().startsWith('postpaid');

/**
 * Checks a plan against Tencent before anything is bought (Tencent has no dry-run flag for this
 * call): the primary exists and runs in the plan's region and zone, its pay type allows the charge
 * type, it has room for the replicas, the zone sells, the spec is on sale with the storage in range,
 * a named read-only group exists, and Tencent prices the plan (`InquiryPriceCreateDBInstances`, asked
 * alongside the spec check). Every failed check is returned; a Tencent error that may pass later
 * (throttling, network) is thrown so the message is retried. A plan Tencent will not price is
 * `tencent.priceUnavailable`, unless a zone or spec violation already says why.
 */
export const precheckAgainstTencent = async (
  plan: ReplicaPlan,
  deps: { readonly tencent: TencentPostgres; readonly maxReplicasPerPrimary: number },
): Promise<PrecheckResult> => {
  const violations: RuleViolation[] = [];
  const region = plan.Region;
  // The zone's check needs nothing from the primary; the spec's needs its major version. So a cold
  // cache costs two round trips, not four (DescribeZones/DescribeClasses answers are cached).
  const [primary, zoneViolations] = await Promise.all([
    describePrimary(plan, deps.tencent),
    checkZone(plan, deps.tencent),
  ]);
  if (!primary) {
    return {
      violations: [
        {
          rule: 'tencent.primaryExists',
          field: 'MasterDBInstanceId',
          message: `Primary ${plan.MasterDBInstanceId} was not found in ${region}`,
        },
      ],
    };
  }
  if (primary.DBInstanceType && primary.DBInstanceType !== 'primary') {
    violations.push({
      rule: 'tencent.primaryIsPrimary',
      field: 'MasterDBInstanceId',
      message: `${plan.MasterDBInstanceId} is a ${primary.DBInstanceType} instance, not a primary`,
    });
  }
  if (primary.DBInstanceStatus !== 'running') {
    violations.push({
      rule: 'tencent.primaryRunning',
      field: 'MasterDBInstanceId',
      message: `Primary ${plan.MasterDBInstanceId} is ${primary.DBInstanceStatus ?? 'in an unknown state'}, not running`,
    });
  }
  if (primary.Zone && primary.Zone !== plan.Zone) {
    violations.push({
      rule: 'tencent.zone',
      field: 'Zone',
      message: `Zone ${plan.Zone} is not the primary's zone ${primary.Zone}`,
    });
  }
  if (primary.VpcId && plan.VpcId && primary.VpcId !== plan.VpcId) {
    violations.push({
      rule: 'tencent.vpc',
      field: 'VpcId',
      message: `VPC ${plan.VpcId} is not the primary's VPC ${primary.VpcId}`,
    });
  }
  if (isPostpaid(primary.PayType) && plan.InstanceChargeType === 'PREPAID') {
    violations.push({
      rule: 'tencent.chargeType',
      field: 'InstanceChargeType',
      message: 'The primary is postpaid, so its replicas must be POSTPAID_BY_HOUR',
    });
  }
  const existing = primary.ReadOnlyInstanceNum ?? 0;
  if (existing + plan.InstanceCount > deps.maxReplicasPerPrimary) {
    violations.push({
      rule: 'policy.maxReplicasPerPrimary',
      field: 'InstanceCount',
      message: `${plan.MasterDBInstanceId} has ${existing} replicas; ${plan.InstanceCount} more would exceed the maximum of ${deps.maxReplicasPerPrimary}`,
    });
  }
  const [specViolations, groupViolations, priced] = await Promise.all([
    checkSpec(plan, primary, deps.tencent),
    plan.ReadOnlyGroupId ? checkReadOnlyGroup(plan, deps.tencent) : [],
    inquirePlanPrice(plan, deps.tencent),
  ]);
  violations.push(...zoneViolations, ...specViolations, ...groupViolations);
  if ('violation' in priced) {
    if (zoneViolations.length === 0 && specViolations.length === 0) violations.push(priced.violation);
    return { violations, primary };
  }
  return { violations, primary, price: priced.price };
};

/** The primary's attributes, or undefined when Tencent says it does not exist (other errors are thrown). */
export const describePrimary = async (
  plan: ReplicaPlan,
  tencent: TencentPostgres,
): Promise<DBInstance | undefined> => {
  try {
    const answer = await tencent.describeDBInstanceAttribute(plan.Region, {
      DBInstanceId: plan.MasterDBInstanceId,
    });
    return answer.DBInstance;
  } catch (error) {
    if (error instanceof TencentApiError && error.tencentCode && NOT_FOUND_CODES.has(error.tencentCode)) {
      return undefined;
    }
    throw error;
  }
};

const checkZone = async (plan: ReplicaPlan, tencent: TencentPostgres): Promise<RuleViolation[]> => {
  const { ZoneSet = [] } = await tencent.describeZones(plan.Region, {});
  const zone = ZoneSet.find((candidate) => candidate.Zone === plan.Zone);
  if (!zone) {
    return [
      { rule: 'tencent.zoneExists', field: 'Zone', message: `Zone ${plan.Zone} is not in ${plan.Region}` },
    ];
  }
  if (zone.ZoneState !== 'AVAILABLE') {
    return [
      { rule: 'tencent.zoneAvailable', field: 'Zone', message: `Zone ${plan.Zone} is ${zone.ZoneState}` },
    ];
  }
  return [];
};

const checkSpec = async (
  plan: ReplicaPlan,
  primary: DBInstance,
  tencent: TencentPostgres,
): Promise<RuleViolation[]> => {
  const { ClassInfoSet = [] } = await tencent.describeClasses(plan.Region, {
    Zone: plan.Zone,
    DBEngine: 'postgresql',
    DBMajorVersion: primary.DBMajorVersion ?? '',
  });
  const spec = ClassInfoSet.find((candidate) => candidate.SpecCode === plan.SpecCode);
  if (!spec) {
    return [
      {
        rule: 'tencent.specOnSale',
        field: 'SpecCode',
        message:
          `Spec ${plan.SpecCode} is not on sale in ${plan.Zone} for PostgreSQL ${primary.DBMajorVersion ?? ''}`.trim(),
      },
    ];
  }
  const min = spec.MinStorage ?? 0;
  const max = spec.MaxStorage ?? Number.MAX_SAFE_INTEGER;
  if (plan.Storage < min || plan.Storage > max) {
    return [
      {
        rule: 'tencent.storageRange',
        field: 'Storage',
        message: `Storage ${plan.Storage} GB is outside ${plan.SpecCode}'s range ${min}–${max} GB`,
      },
    ];
  }
  return [];
};

const checkReadOnlyGroup = async (plan: ReplicaPlan, tencent: TencentPostgres): Promise<RuleViolation[]> => {
  const { ReadOnlyGroupList = [] } = await tencent.describeReadOnlyGroups(plan.Region, {
    Filters: [
      { Name: 'db-master-instance-id', Values: [plan.MasterDBInstanceId] },
      { Name: 'read-only-group-id', Values: [plan.ReadOnlyGroupId ?? ''] },
    ],
  });
  return ReadOnlyGroupList.some((group) => group.ReadOnlyGroupId === plan.ReadOnlyGroupId)
    ? []
    : [
        {
          rule: 'tencent.readOnlyGroup',
          field: 'ReadOnlyGroupId',
          message: `Read-only group ${plan.ReadOnlyGroupId} does not exist for ${plan.MasterDBInstanceId}`,
        },
      ];
};
