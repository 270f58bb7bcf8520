import { isGlob, matchesAny, matchesGlob } from './policy-glob.ts';
import type { Policy, PrimaryPolicy } from './policy-schema.ts';
import { type ReplicaPlan, type ReplicaRequest, replicaPlanSchema } from './replica-request.ts';
import {
  type ChargeType,
  DEFAULT_CHARGE_TYPE,
  DEFAULTABLE_FIELDS,
  type DefaultableField,
  periodProblem,
  regionOfZone,
  zoneRegionProblem,
} from './replica-request-fields.ts';
import { fieldErrorMap, toFieldIssues } from './replica-request-issues.ts';
import type { RuleViolation } from './request-record.ts';

/**
 * Pure policy evaluation: which entry governs a primary, the limits in force for it, and
 * `resolvePlan`, which applies the primary's defaults and reports every rule the result breaks.
 */

/** The limits in force for one primary: the top-level ones with the primary's overrides applied. */
export interface EffectiveRules {
  readonly regions: readonly string[];
  readonly specs: readonly string[];
  readonly maxStorage: number;
  readonly maxInstanceCount: number;
  readonly maxReplicasPerPrimary: number;
  readonly prepaidAllowed: boolean;
}

export interface PrimaryMatch {
  /** The `primaries` key that matched (the id itself, or a glob). */
  readonly pattern: string;
  readonly entry: PrimaryPolicy;
}

/** An exact key wins; otherwise the first glob key, in file order, that matches. */
export const findPrimaryPolicy = (policy: Policy, primaryId: string): PrimaryMatch | undefined => {
  const exact = Object.hasOwn(policy.primaries, primaryId) ? policy.primaries[primaryId] : undefined;
  if (exact && !isGlob(primaryId)) return { pattern: primaryId, entry: exact };
  for (const [pattern, entry] of Object.entries(policy.primaries)) {
    if (isGlob(pattern) && matchesGlob(pattern, primaryId)) return { pattern, entry };
  }
  return undefined;
};

export const rulesFor = (
  policy: Pick<Policy, 'regions' | 'specs' | 'limits'>,
  entry?: PrimaryPolicy,
): EffectiveRules => ({
  regions: policy.regions,
  specs: entry?.specs ?? policy.specs,
  maxStorage: entry?.limits?.maxStorage ?? policy.limits.maxStorage,
  maxInstanceCount: entry?.limits?.maxInstanceCount ?? policy.limits.maxInstanceCount,
  maxReplicasPerPrimary: entry?.limits?.maxReplicasPerPrimary ?? policy.limits.maxReplicasPerPrimary,
  prepaidAllowed: entry?.limits?.prepaidAllowed ?? policy.limits.prepaidAllowed,
});

/** The limits in force for a primary (the top-level ones if no entry matches it). */
export const effectiveRulesFor = (policy: Policy, primaryId: string): EffectiveRules =>
  rulesFor(policy, findPrimaryPolicy(policy, primaryId)?.entry);

/** The most read-only replicas `primaryId` may have in all. */
export const maxReplicasFor = (policy: Policy, primaryId: string): number =>
  effectiveRulesFor(policy, primaryId).maxReplicasPerPrimary;

interface RuleSubject {
  readonly Region?: string;
  readonly SpecCode?: string;
  readonly Storage?: number;
  readonly InstanceCount?: number;
  readonly InstanceChargeType?: ChargeType;
}

/**
 * The value-against-limit rules, for whichever of the fields are present. `originOf` may say
 * where a value came from (e.g. ` (policy default for postgres-*)`), to be shown after it.
 */
export const checkPolicyRules = (
  values: RuleSubject,
  rules: EffectiveRules,
  originOf: (field: string) => string = () => '',
): RuleViolation[] => {
  const violations: RuleViolation[] = [];
  const { Region, SpecCode, Storage, InstanceCount, InstanceChargeType } = values;
  if (Region !== undefined && !rules.regions.includes(Region)) {
    violations.push({
      rule: 'policy.regionNotAllowed',
      field: 'Region',
      message: `Region ${Region}${originOf('Region')} is not allowed by the policy (allowed: ${rules.regions.join(', ')})`,
    });
  }
  if (SpecCode !== undefined && !matchesAny(rules.specs, SpecCode)) {
    violations.push({
      rule: 'policy.specNotAllowed',
      field: 'SpecCode',
      message: `SpecCode ${SpecCode}${originOf('SpecCode')} is not allowed by the policy (allowed: ${rules.specs.join(', ')})`,
    });
  }
  if (Storage !== undefined && Storage > rules.maxStorage) {
    violations.push({
      rule: 'policy.maxStorage',
      field: 'Storage',
      message: `Storage ${Storage} GB${originOf('Storage')} is above the policy's maximum of ${rules.maxStorage} GB`,
    });
  }
  if (InstanceCount !== undefined && InstanceCount > rules.maxInstanceCount) {
    violations.push({
      rule: 'policy.maxInstanceCount',
      field: 'InstanceCount',
      message: `InstanceCount ${InstanceCount}${originOf('InstanceCount')} is above the policy's maximum of ${rules.maxInstanceCount} per request`,
    });
  }
  if (InstanceChargeType === 'PREPAID' && !rules.prepaidAllowed) {
    violations.push({
      rule: 'policy.prepaidNotAllowed',
      field: 'InstanceChargeType',
      message: `InstanceChargeType PREPAID${originOf('InstanceChargeType')} is not allowed by the policy; use POSTPAID_BY_HOUR`,
    });
  }
  return violations;
};

/**
 * Room for `InstanceCount` more replicas next to the primary's `existingReplicas` (Tencent's
 * current count), or the violation if the policy's maximum would be passed.
 */
export const checkReplicaLimit = (
  plan: { readonly MasterDBInstanceId: string; readonly InstanceCount: number },
  policy: Policy,
  existingReplicas: number,
): RuleViolation | undefined => {
  const max = maxReplicasFor(policy, plan.MasterDBInstanceId);
  if (existingReplicas + plan.InstanceCount <= max) return undefined;
  return {
    rule: 'policy.maxReplicasPerPrimary',
    field: 'InstanceCount',
    message:
      `${plan.MasterDBInstanceId} has ${existingReplicas} read-only replica(s); ${plan.InstanceCount} more ` +
      `would pass the policy's maximum of ${max} per primary`,
  };
};

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
const NOT_SENT = new Set(['requester', 'callback', 'idempotencyKey', 'dryRun', 'DBVersion']);

export interface PlanResolution {
  /** Present exactly when there are no violations. */
  readonly plan?: ReplicaPlan;
  readonly violations: RuleViolation[];
}

export interface ResolveOptions {
  /** The primary's current read-only replica count (from Tencent), to check `maxReplicasPerPrimary`. */
  readonly existingReplicas?: number;
}

type Origin = 'request' | 'policy' | 'tencent';

/**
 * Applies the primary's defaults (request values win, then the policy's, then Tencent's
 * `InstanceChargeType` default `PREPAID`) and checks every rule, reporting every one that fails.
 * Pure. `Name` and tags are not derived here (the create step does that).
 */
export const resolvePlan = (
  request: ReplicaRequest,
  policy: Policy,
  options: ResolveOptions = {},
): PlanResolution => {
  const primaryId = request.MasterDBInstanceId;
  const match = findPrimaryPolicy(policy, primaryId);
  const rules = rulesFor(policy, match?.entry);
  const violations: RuleViolation[] = [];
  if (!match) {
    violations.push({
      rule: 'policy.primaryNotAllowed',
      field: 'MasterDBInstanceId',
      message: `Primary ${primaryId} is not allowed by the policy (allowed: ${Object.keys(policy.primaries).join(', ')})`,
    });
  }

  const candidate: Record<string, unknown> = {};
  const origin: Partial<Record<string, Origin>> = {};
  const defaults = match?.entry.defaults ?? {};
  for (const field of DEFAULTABLE_FIELDS) {
    if (defaults[field] === undefined) continue;
    candidate[field] = defaults[field];
    origin[field] = 'policy';
  }
  for (const [field, value] of Object.entries(request)) {
    if (value === undefined || NOT_SENT.has(field)) continue;
    candidate[field] = value;
    origin[field] = 'request';
  }
  // Without an entry the request is refused anyway: judge only what it asked for, not Tencent's default.
  if (match && candidate.InstanceChargeType === undefined) {
    candidate.InstanceChargeType = DEFAULT_CHARGE_TYPE;
    origin.InstanceChargeType = 'tencent';
  }
  const merged = candidate as Partial<ReplicaPlan>;
  const from = (field: string): string => {
    if (origin[field] === 'policy') return ` (policy default for ${match?.pattern})`;
    if (origin[field] === 'tencent') return " (Tencent's default)";
    return '';
  };

  violations.push(...checkPolicyRules(merged, rules, from));

  if (match) {
    for (const field of REQUIRED_FIELDS) {
      if (merged[field] !== undefined) continue;
      violations.push({
        rule: 'plan.missingField',
        field,
        message: `${field} is required: the request has none and the policy has no default for ${primaryId}`,
      });
    }
  }
  if (merged.Period !== undefined && merged.InstanceChargeType !== undefined) {
    const problem = periodProblem(merged.Period, merged.InstanceChargeType);
    if (problem) {
      violations.push({
        rule: 'plan.period',
        field: 'Period',
        message: `Period ${problem}${from('Period')}; InstanceChargeType is ${merged.InstanceChargeType}${from('InstanceChargeType')}`,
      });
    }
  }
  if (merged.Zone !== undefined && merged.Region !== undefined && regionOfZone(merged.Zone) !== undefined) {
    const problem = zoneRegionProblem(merged.Zone, merged.Region);
    if (problem) {
      violations.push({
        rule: 'plan.zoneRegion',
        field: 'Zone',
        message: `Zone ${merged.Zone}${from('Zone')} is not in Region ${merged.Region}${from('Region')}`,
      });
    }
  }
  if (merged.InstanceCount !== undefined) {
    const limit = checkReplicaLimit(
      { MasterDBInstanceId: primaryId, InstanceCount: merged.InstanceCount },
      policy,
      options.existingReplicas ?? 0,
    );
    if (limit) violations.push(limit);
  }
  if (violations.length > 0) return { violations };

  const parsed = replicaPlanSchema.safeParse(candidate, { error: fieldErrorMap });
  if (parsed.success) return { plan: parsed.data, violations: [] };
  return {
    violations: toFieldIssues(parsed.error.issues).map((issue) => ({
      rule: 'plan.invalidField',
      field: issue.field,
      message: `${issue.field} ${issue.message}`,
    })),
  };
};
