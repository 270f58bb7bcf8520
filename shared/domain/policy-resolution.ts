import {
  checkPolicyRules,
  checkReplicaLimit,
  findPrimaryPolicy,
  type PrimaryMatch,
  rulesFor,
} from '#shared/domain/policy-evaluation.ts';
import type { Policy } from '#shared/domain/policy-schema.ts';
import { type ReplicaPlan, replicaPlanSchema } from '#shared/domain/replica-plan.ts';
import type { ReplicaRequest } from '#shared/domain/replica-request.ts';
import {
  DEFAULT_CHARGE_TYPE,
  DEFAULTABLE_FIELDS,
  type DefaultableField,
  periodProblem,
  regionOfZone,
} from '#shared/domain/replica-request-fields.ts';
import { fieldErrorMap, toFieldIssues } from '#shared/domain/replica-request-issues.ts';
import type { RuleViolation } from '#shared/domain/request-record.ts';

/**
 * `resolvePlan`: a request plus its primary's policy defaults become the exact create
 * parameters, or the list of every rule that stands in the way.
 */

export interface PlanResolution {
  /** Present exactly when there are no violations. */
  readonly plan?: ReplicaPlan;
  readonly violations: RuleViolation[];
}

export interface ResolveOptions {
  /** The primary's current read-only replica count (from Tencent), to check `maxReplicasPerPrimary`. */
  readonly existingReplicas?: number;
}

/** What Tencent requires in a plan (VpcId and SubnetId included: classic networks are refused). */
const REQUIRED_FIELDS = [
  'Region',
  'Zone',
  'SpecCode',
  'Storage',
  'InstanceCount',
  'Period',
  'VpcId',
  'SubnetId',
] as const satisfies readonly DefaultableField[];

/** Request fields that are not create parameters (or are deprecated and never sent). */
const NOT_SENT: ReadonlySet<string> = new Set([
  'requester',
  'callback',
  'idempotencyKey',
  'dryRun',
  'DBVersion',
]);

interface Merged {
  readonly values: Partial<ReplicaPlan>;
  /** Where a value came from, as shown after it in messages: '' for the request itself. */
  readonly originOf: (field: string) => string;
}

/** Request values win, then the entry's defaults, then Tencent's `InstanceChargeType` default. */
const mergeWithDefaults = (request: ReplicaRequest, match: PrimaryMatch | undefined): Merged => {
  const values: Record<string, unknown> = {};
  const origins = new Map<string, string>();
  const defaults = match?.entry.defaults ?? {};
  for (const field of DEFAULTABLE_FIELDS) {
    if (defaults[field] === undefined) continue;
    values[field] = defaults[field];
    origins.set(field, ` (policy default for ${match?.pattern})`);
  }
  for (const [field, value] of Object.entries(request)) {
    if (value === undefined || NOT_SENT.has(field)) continue;
    values[field] = value;
    origins.delete(field);
  }
  // Without an entry the request is refused anyway: judge only what it asked for, not Tencent's default.
  if (match && values.InstanceChargeType === undefined) {
    values.InstanceChargeType = DEFAULT_CHARGE_TYPE;
    origins.set('InstanceChargeType', " (Tencent's default)");
  }
  return { values: values as Partial<ReplicaPlan>, originOf: (field) => origins.get(field) ?? '' };
};

/** Rules about the plan as a whole: required fields, Period by charge type, Zone in Region. */
const checkPlanShape = (
  { values, originOf }: Merged,
  primaryId: string,
  hasEntry: boolean,
): RuleViolation[] => {
  const violations: RuleViolation[] = [];
  if (hasEntry) {
    for (const field of REQUIRED_FIELDS) {
      if (values[field] !== undefined) continue;
      violations.push({
        rule: 'plan.missingField',
        field,
        message: `${field} is required: the request has none and the policy has no default for ${primaryId}`,
      });
    }
  }
  const { Period, InstanceChargeType, Zone, Region } = values;
  const periodIssue =
    Period !== undefined && InstanceChargeType !== undefined
      ? periodProblem(Period, InstanceChargeType)
      : undefined;
  if (periodIssue) {
    violations.push({
      rule: 'plan.period',
      field: 'Period',
      message: `Period ${periodIssue}${originOf('Period')}; InstanceChargeType is ${InstanceChargeType}${originOf('InstanceChargeType')}`,
    });
  }
  const zoneRegion = Zone === undefined ? undefined : regionOfZone(Zone);
  if (zoneRegion !== undefined && Region !== undefined && zoneRegion !== Region) {
    violations.push({
      rule: 'plan.zoneRegion',
      field: 'Zone',
      message: `Zone ${Zone}${originOf('Zone')} is not in Region ${Region}${originOf('Region')}`,
    });
  }
  return violations;
};

/**
 * Applies the primary's defaults (request values win, then the policy's, then Tencent's
 * `InstanceChargeType` default `PREPAID`) and checks every rule, reporting every one that fails
 * (rules `policy.*` and `plan.*`). Pure. `Name` and tags are not derived here (the create step
 * does that); the request's own `Name`/`TagList` are carried, `DBVersion` is dropped.
 */
export const resolvePlan = (
  request: ReplicaRequest,
  policy: Policy,
  options: ResolveOptions = {},
): PlanResolution => {
  const primaryId = request.MasterDBInstanceId;
  const match = findPrimaryPolicy(policy, primaryId);
  const merged = mergeWithDefaults(request, match);
  const violations: RuleViolation[] = [];
  if (!match) {
    violations.push({
      rule: 'policy.primaryNotAllowed',
      field: 'MasterDBInstanceId',
      message: `Primary ${primaryId} is not allowed by the policy (allowed: ${Object.keys(policy.primaries).join(', ')})`,
    });
  }
  violations.push(...checkPolicyRules(merged.values, rulesFor(policy, match?.entry), merged.originOf));
  violations.push(...checkPlanShape(merged, primaryId, match !== undefined));
  const { InstanceCount } = merged.values;
  if (InstanceCount !== undefined) {
    const limit = checkReplicaLimit(
      { MasterDBInstanceId: primaryId, InstanceCount },
      policy,
      options.existingReplicas ?? 0,
    );
    if (limit) violations.push(limit);
  }
  if (violations.length > 0) return { violations };

  // Both the request and the defaults were validated already; this is the last gate, not a routine one.
  const parsed = replicaPlanSchema.safeParse(merged.values, { error: fieldErrorMap });
  if (parsed.success) return { plan: parsed.data, violations: [] };
  return {
    violations: toFieldIssues(parsed.error.issues).map((issue) => ({
      rule: 'plan.invalidField',
      field: issue.field,
      message: `${issue.field} ${issue.message}`,
    })),
  };
};
