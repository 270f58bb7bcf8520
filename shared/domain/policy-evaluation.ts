import { isGlob, matchesGlob } from '#shared/domain/policy-glob.ts';
import { type EffectiveRules, rulesFor } from '#shared/domain/policy-rules.ts';
import type { Policy, PrimaryPolicy } from '#shared/domain/policy-schema.ts';
import type { RuleViolation } from '#shared/domain/rule-violation.ts';

// The rules themselves live in policy-rules.ts (the schema checks its defaults with them); they are
// part of this module's API as before.
export { checkPolicyRules, type EffectiveRules, rulesFor } from '#shared/domain/policy-rules.ts';

/**
 * Pure policy evaluation: which entry governs a primary, the limits in force for it, and the
 * value-against-limit rules (`resolvePlan` in `policy-resolution.ts` puts them together).
 */

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

/** The limits in force for a primary (the top-level ones if no entry matches it). */
export const effectiveRulesFor = (policy: Policy, primaryId: string): EffectiveRules =>
  rulesFor(policy, findPrimaryPolicy(policy, primaryId)?.entry);

/** The most read-only replicas `primaryId` may have in all. */
export const maxReplicasFor = (policy: Policy, primaryId: string): number =>
  effectiveRulesFor(policy, primaryId).maxReplicasPerPrimary;

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
