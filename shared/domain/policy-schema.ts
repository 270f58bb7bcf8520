import * as z from 'zod';
import { cloudwatchMappingSchema } from '#shared/domain/policy-cloudwatch.ts';
import { checkPolicyRules, rulesFor } from '#shared/domain/policy-evaluation.ts';
import { isGlob } from '#shared/domain/policy-glob.ts';
import {
  checkCrossFieldRules,
  MAX_INSTANCE_COUNT,
  tencentFields,
} from '#shared/domain/replica-request-fields.ts';
import { describeValue, refuseForbiddenKeys } from '#shared/domain/replica-request-issues.ts';

/**
 * The policy file (YAML or JSON; documented field by field in `policy/example.yaml`): what may
 * be created, within which limits, and the defaults that let a request name only its primary.
 * Validated in full at start; a primary is allowed only if a key of `primaries` matches it.
 */

const got = (issue: { readonly input?: unknown }): string => `(got ${describeValue(issue.input)})`;

/** An exact primary id (`postgres-abcdef`) or a glob (`postgres-*`, `postgres-prod?`). */
export const primaryPatternSchema = z
  .string()
  .max(64)
  .regex(/^[a-z0-9*?]+(?:-[a-z0-9*?]+)*$/, {
    error: (issue) => `must be a primary id or a glob like postgres-* ${got(issue)}`,
  });

/** An exact spec code (`pg.it.small2`) or a glob (`pg.it.*`). */
export const specPatternSchema = z
  .string()
  .max(64)
  .regex(/^[A-Za-z0-9._*?-]+$/, {
    error: (issue) => `must be a spec code or a glob like pg.it.* ${got(issue)}`,
  });

const f = tencentFields;

export const policyLimitsSchema = z.strictObject({
  /** Largest `Storage` (GB) one replica may have. */
  maxStorage: z.int().positive(),
  /** Largest `InstanceCount` in one request (Tencent allows up to 6). */
  maxInstanceCount: z.int().min(1).max(MAX_INSTANCE_COUNT),
  /** Most read-only replicas a primary may have in all (existing + requested). */
  maxReplicasPerPrimary: z.int().min(0),
  /** Whether `PREPAID` (monthly subscription, not refundable by the hour) may be bought. */
  prepaidAllowed: z.boolean().default(false),
});
export type PolicyLimits = z.infer<typeof policyLimitsSchema>;

export const limitOverridesSchema = z.strictObject({
  maxStorage: policyLimitsSchema.shape.maxStorage.optional(),
  maxInstanceCount: policyLimitsSchema.shape.maxInstanceCount.optional(),
  maxReplicasPerPrimary: policyLimitsSchema.shape.maxReplicasPerPrimary.optional(),
  prepaidAllowed: z.boolean().optional(),
});
export type LimitOverrides = z.infer<typeof limitOverridesSchema>;

const alwaysRun = { when: () => true } as const;

/** Values a request for this primary gets when it does not say otherwise (request values win). */
export const primaryDefaultsSchema = z
  .strictObject({
    Region: f.Region.optional(),
    Zone: f.Zone.optional(),
    SpecCode: f.SpecCode.optional(),
    Storage: f.Storage.optional(),
    InstanceCount: f.InstanceCount.optional(),
    Period: f.Period.optional(),
    VpcId: f.VpcId.optional(),
    SubnetId: f.SubnetId.optional(),
    SecurityGroupIds: f.SecurityGroupIds.optional(),
    InstanceChargeType: f.InstanceChargeType.optional(),
  })
  .superRefine(checkCrossFieldRules, alwaysRun);
export type PrimaryDefaults = z.infer<typeof primaryDefaultsSchema>;

/** Who may ask for replicas of this primary from Slack (used by the Slack ingress). */
export const slackAuthorizationSchema = z.strictObject({
  users: z
    .array(
      z.string().regex(/^[UW][A-Z0-9]+$/, {
        error: (issue) => `must be a Slack user id like U0123ABCD ${got(issue)}`,
      }),
    )
    .optional(),
  channels: z
    .array(
      z.string().regex(/^[CGD][A-Z0-9]+$/, {
        error: (issue) => `must be a Slack channel id like C0123ABCD ${got(issue)}`,
      }),
    )
    .optional(),
});
export type SlackAuthorization = z.infer<typeof slackAuthorizationSchema>;

/** What an alert-driven scale-out creates (fields not given come from `defaults`). */
export const scaleOutProfileSchema = z.strictObject({
  SpecCode: f.SpecCode.optional(),
  Storage: f.Storage.optional(),
  Zone: f.Zone.optional(),
  InstanceChargeType: f.InstanceChargeType.optional(),
});

/** Alert-driven scale-out for this primary, like Aurora Auto Scaling (used by the alert ingresses). */
export const scaleOutPolicySchema = z.strictObject({
  enabled: z.boolean(),
  /** Scale-out stops adding replicas once the primary has this many. */
  maxReplicas: z.int().min(1),
  /** Minimum time between two scale-outs of this primary. */
  cooldownSeconds: z.int().min(0),
  profile: scaleOutProfileSchema.optional(),
});
export type ScaleOutPolicy = z.infer<typeof scaleOutPolicySchema>;

export const primaryPolicySchema = z.strictObject({
  defaults: primaryDefaultsSchema.optional(),
  /** Overrides of the top-level `limits` for this primary. */
  limits: limitOverridesSchema.optional(),
  /** Replaces the top-level `specs` for this primary. */
  specs: z.array(specPatternSchema).min(1).optional(),
  slack: slackAuthorizationSchema.optional(),
  scaleOut: scaleOutPolicySchema.optional(),
  /** Which CloudWatch alarms speak for this primary (`policy-cloudwatch.ts`); exact ids only. */
  cloudwatch: cloudwatchMappingSchema.optional(),
});
export type PrimaryPolicy = z.infer<typeof primaryPolicySchema>;

const policyShape = z.strictObject({
  version: z.literal(1),
  /** Regions replicas may be created in. */
  regions: z.array(f.Region).min(1),
  /** Spec codes replicas may have (exact or glob). */
  specs: z.array(specPatternSchema).min(1),
  limits: policyLimitsSchema,
  /**
   * Allowed primaries, keyed by exact id or glob. An exact key wins over globs; among globs the
   * first in file order wins. Entries are not merged.
   */
  primaries: z.preprocess(
    refuseForbiddenKeys,
    z
      .record(primaryPatternSchema, primaryPolicySchema)
      .refine((primaries) => Object.keys(primaries).length > 0, { error: 'must allow at least one primary' }),
  ),
});

type PolicyShape = z.infer<typeof policyShape>;

/** Defaults and scale-out profiles must themselves obey the limits they will be checked against. */
const checkConsistency = (policy: PolicyShape, ctx: z.core.$RefinementCtx<PolicyShape>): void => {
  for (const [pattern, entry] of Object.entries(policy.primaries)) {
    const rules = rulesFor(policy, entry);
    const at = (...path: string[]) => ['primaries', pattern, ...path];
    if (entry.defaults) {
      for (const violation of checkPolicyRules(entry.defaults, rules)) {
        ctx.addIssue({
          code: 'custom',
          path: at('defaults', violation.field ?? ''),
          message: `${violation.message} (${violation.rule})`,
        });
      }
    }
    if (entry.cloudwatch && isGlob(pattern)) {
      ctx.addIssue({
        code: 'custom',
        path: at('cloudwatch'),
        message: `a CloudWatch mapping must belong to one primary, not the glob ${pattern}`,
      });
    }
    const scaleOut = entry.scaleOut;
    if (!scaleOut) continue;
    if (scaleOut.maxReplicas > rules.maxReplicasPerPrimary) {
      ctx.addIssue({
        code: 'custom',
        path: at('scaleOut', 'maxReplicas'),
        message: `must not exceed maxReplicasPerPrimary ${rules.maxReplicasPerPrimary} (got ${scaleOut.maxReplicas})`,
      });
    }
    for (const violation of checkPolicyRules(scaleOut.profile ?? {}, rules)) {
      ctx.addIssue({
        code: 'custom',
        path: at('scaleOut', 'profile', violation.field ?? ''),
        message: `${violation.message} (${violation.rule})`,
      });
    }
  }
};

/** Consistency is judged only once the file's shape is right (else it would repeat the same complaints). */
export const policySchema = policyShape.superRefine(checkConsistency, {
  when: (payload) => payload.issues.length === 0,
});
export type Policy = z.infer<typeof policySchema>;
export type PolicyInput = z.input<typeof policySchema>;
