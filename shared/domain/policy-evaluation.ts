import { isGlob, matchesAny, matchesGlob } from '#shared/domain/policy-glob.ts';
import type { Policy, PrimaryPolicy } from '#shared/domain/policy-schema.ts';
import type { ChargeType } from '#shared/domain/replica-request-fields.ts';
import type { RuleViolation } from '#shared/domain/request-record.ts';

/**
 * Pure policy evaluation: which entry governs a primary, the limits in force for it, and the
 * value-against-limit rules (`resolvePlan` in `policy-resolution.ts` puts them together).
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
