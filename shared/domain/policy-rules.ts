import { matchesAny } from '#shared/domain/policy-glob.ts';
import type { ChargeType } from '#shared/domain/replica-request-fields.ts';
import type { RuleViolation } from '#shared/domain/rule-violation.ts';

/**
 * The value-against-limit rules of the policy, and the limits in force for one primary. Written
 * against the shapes they read, not against the policy schema: the schema checks its own defaults
 * and scale-out profiles with them (`policy-schema.ts`), so this file must not import it.
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

interface RuleLimits {
  readonly maxStorage: number;
  readonly maxInstanceCount: number;
  readonly maxReplicasPerPrimary: number;
  readonly prepaidAllowed: boolean;
}

/** What the rules are read from: the policy's top level (`Policy` has this shape). */
export interface RuleSources {
  readonly regions: readonly string[];
  readonly specs: readonly string[];
  readonly limits: RuleLimits;
}

/** A primary's entry, as far as it overrides the top level (`PrimaryPolicy` has this shape). */
export interface RuleOverrides {
  readonly specs?: readonly string[] | undefined;
  readonly limits?: { readonly [K in keyof RuleLimits]?: RuleLimits[K] | undefined } | undefined;
}

export const rulesFor = (policy: RuleSources, entry?: RuleOverrides): EffectiveRules => ({
  regions: policy.regions,
  specs: entry?.specs ?? policy.specs,
  maxStorage: entry?.limits?.maxStorage ?? policy.limits.maxStorage,
  maxInstanceCount: entry?.limits?.maxInstanceCount ?? policy.limits.maxInstanceCount,
  maxReplicasPerPrimary: entry?.limits?.maxReplicasPerPrimary ?? policy.limits.maxReplicasPerPrimary,
  prepaidAllowed: entry?.limits?.prepaidAllowed ?? policy.limits.prepaidAllowed,
});

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
