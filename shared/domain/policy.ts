/**
 * The policy: what replicas may be created, within which limits, with which per-primary defaults.
 * Schema in `policy-schema.ts`, rules in `policy-evaluation.ts`, `resolvePlan` in
 * `policy-resolution.ts`; this module is the one to import for them. File loading (with the YAML
 * parser) is `policy-loader.ts`, never re-exported here: see
 * docs/bundling.md#the-policy-barrel-re-exports-only-types
 */
export {
  checkPolicyRules,
  checkReplicaLimit,
  type EffectiveRules,
  effectiveRulesFor,
  findPrimaryPolicy,
  maxReplicasFor,
  type PrimaryMatch,
  rulesFor,
} from '#shared/domain/policy-evaluation.ts';
export { isGlob, matchesAny, matchesGlob } from '#shared/domain/policy-glob.ts';
export { type PlanResolution, type ResolveOptions, resolvePlan } from '#shared/domain/policy-resolution.ts';
// Types only: see docs/bundling.md#the-policy-barrel-re-exports-only-types
export type {
  LimitOverrides,
  Policy,
  PolicyInput,
  PolicyLimits,
  PrimaryDefaults,
  PrimaryPolicy,
  ScaleOutPolicy,
  SlackAuthorization,
} from '#shared/domain/policy-schema.ts';
