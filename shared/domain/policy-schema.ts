import {
  approvalSchema,
  budgetsSchema,
  budgetsWaitingForApproval,
} from '#shared/domain/policy-budget-schema.ts';
import { cloudwatchMappingSchema } from '#shared/domain/policy-cloudwatch.ts';
import { checkFleetConsistency, primaryFleetShape, scaleOutFleetShape } from '#shared/domain/policy-fleet.ts';
import { isGlob } from '#shared/domain/policy-glob.ts';
import { primaryPatternSchema } from '#shared/domain/policy-patterns.ts';
import { checkPolicyRules, rulesFor } from '#shared/domain/policy-rules.ts';
import {
  alwaysRun,
  checkCrossFieldRules,
  MAX_INSTANCE_COUNT,
  tencentFields,
} from '#shared/domain/replica-request-fields.ts';
import { describeValue, refuseForbiddenKeys } from '#shared/domain/replica-request-issues.ts';
import * as z from '#shared/util/zod-mini.ts';
import { preprocess } from '#shared/util/zod-preprocess.ts';

/**
 * The policy file (YAML or JSON; documented field by field in `policy/example.yaml`): what may
 * be created, within which limits, and the defaults that let a request name only its primary.
 * Validated in full at start; a primary is allowed only if a key of `primaries` matches it.
 */

const got = (issue: { readonly input?: unknown }): string => `(got ${describeValue(issue.input)})`;

/** An exact primary id or a glob (in its own module so `policy-budget-schema.ts` can share it). */
export { primaryPatternSchema } from '#shared/domain/policy-patterns.ts';

/** An exact spec code (`pg.it.small2`) or a glob (`pg.it.*`). */
export const specPatternSchema = z.string().check(
  z.maxLength(64),
  z.regex(/^[A-Za-z0-9._*?-]+$/, {
    error: (issue) => `must be a spec code or a glob like pg.it.* ${got(issue)}`,
  }),
);

const f = tencentFields;

export const policyLimitsSchema = z.strictObject({
  /** Largest `Storage` (GB) one replica may have. */
  maxStorage: z.int().check(z.positive()),
  /** Largest `InstanceCount` in one request (Tencent allows up to 6). */
  maxInstanceCount: z.int().check(z.gte(1), z.lte(MAX_INSTANCE_COUNT)),
  /** Most read-only replicas a primary may have in all (existing + requested). */
  maxReplicasPerPrimary: z.int().check(z.gte(0)),
  /** Whether `PREPAID` (monthly subscription, not refundable by the hour) may be bought. */
  prepaidAllowed: z._default(z.boolean(), false),
});
export type PolicyLimits = z.infer<typeof policyLimitsSchema>;

export const limitOverridesSchema = z.strictObject({
  maxStorage: z.optional(policyLimitsSchema.shape.maxStorage),
  maxInstanceCount: z.optional(policyLimitsSchema.shape.maxInstanceCount),
  maxReplicasPerPrimary: z.optional(policyLimitsSchema.shape.maxReplicasPerPrimary),
  prepaidAllowed: z.optional(z.boolean()),
});
export type LimitOverrides = z.infer<typeof limitOverridesSchema>;

/** Values a request for this primary gets when it does not say otherwise (request values win). */
export const primaryDefaultsSchema = z
  .strictObject({
    Region: z.optional(f.Region),
    Zone: z.optional(f.Zone),
    SpecCode: z.optional(f.SpecCode),
    Storage: z.optional(f.Storage),
    InstanceCount: z.optional(f.InstanceCount),
    Period: z.optional(f.Period),
    VpcId: z.optional(f.VpcId),
    SubnetId: z.optional(f.SubnetId),
    SecurityGroupIds: z.optional(f.SecurityGroupIds),
    InstanceChargeType: z.optional(f.InstanceChargeType),
  })
  .check(z.superRefine(checkCrossFieldRules, alwaysRun));
export type PrimaryDefaults = z.infer<typeof primaryDefaultsSchema>;

/** Who may ask for replicas of this primary from Slack (used by the Slack ingress). */
export const slackAuthorizationSchema = z.strictObject({
  users: z.optional(
    z.array(
      z.string().check(
        z.regex(/^[UW][A-Z0-9]+$/, {
          error: (issue) => `must be a Slack user id like U0123ABCD ${got(issue)}`,
        }),
      ),
    ),
  ),
  channels: z.optional(
    z.array(
      z.string().check(
        z.regex(/^[CGD][A-Z0-9]+$/, {
          error: (issue) => `must be a Slack channel id like C0123ABCD ${got(issue)}`,
        }),
      ),
    ),
  ),
});
export type SlackAuthorization = z.infer<typeof slackAuthorizationSchema>;

/** What an alert-driven scale-out creates (fields not given come from `defaults`). */
export const scaleOutProfileSchema = z.strictObject({
  SpecCode: z.optional(f.SpecCode),
  Storage: z.optional(f.Storage),
  Zone: z.optional(f.Zone),
  InstanceChargeType: z.optional(f.InstanceChargeType),
});

/** Alert-driven scale-out for this primary, like Aurora Auto Scaling (used by the alert ingresses). */
export const scaleOutPolicySchema = z.strictObject({
  enabled: z.boolean(),
  /** Scale-out stops adding replicas once the primary has this many. */
  maxReplicas: z.int().check(z.gte(1)),
  /** Minimum time between two scale-outs of this primary. */
  cooldownSeconds: z.int().check(z.gte(0)),
  profile: z.optional(scaleOutProfileSchema),
  // minReplicas, fallback (policy-fleet.ts)
  ...scaleOutFleetShape,
});
export type ScaleOutPolicy = z.infer<typeof scaleOutPolicySchema>;

export const primaryPolicySchema = z.strictObject({
  defaults: z.optional(primaryDefaultsSchema),
  /** Overrides of the top-level `limits` for this primary. */
  limits: z.optional(limitOverridesSchema),
  /** Replaces the top-level `specs` for this primary. */
  specs: z.optional(z.array(specPatternSchema).check(z.minLength(1))),
  slack: z.optional(slackAuthorizationSchema),
  scaleOut: z.optional(scaleOutPolicySchema),
  /** Which CloudWatch alarms speak for this primary (`policy-cloudwatch.ts`); exact ids only. */
  cloudwatch: z.optional(cloudwatchMappingSchema),
  /** Replaces the top-level `approval` for this primary (`approval-rules.ts`). */
  approval: z.optional(approvalSchema),
  // scaleIn, readOnlyGroup (policy-fleet.ts)
  ...primaryFleetShape,
});
export type PrimaryPolicy = z.infer<typeof primaryPolicySchema>;

const policyShape = z.strictObject({
  version: z.literal(1),
  /** Regions replicas may be created in. */
  regions: z.array(f.Region).check(z.minLength(1)),
  /** Spec codes replicas may have (exact or glob). */
  specs: z.array(specPatternSchema).check(z.minLength(1)),
  limits: policyLimitsSchema,
  /**
   * Allowed primaries, keyed by exact id or glob. An exact key wins over globs; among globs the
   * first in file order wins. Entries are not merged.
   */
  primaries: preprocess(
    refuseForbiddenKeys,
    z.record(primaryPatternSchema, primaryPolicySchema).check(
      z.refine((primaries) => Object.keys(primaries).length > 0, {
        error: 'must allow at least one primary',
      }),
    ),
  ),
  /** Monthly ceilings on what replica-flow runs (`budget.ts`). */
  budgets: z.optional(budgetsSchema),
  /** When a request waits for a second person, and who may approve it (`approval-rules.ts`). */
  approval: z.optional(approvalSchema),
});

type PolicyShape = z.infer<typeof policyShape>;

/** Defaults and scale-out profiles must themselves obey the limits they will be checked against. */
const checkConsistency = (policy: PolicyShape, ctx: z.core.$RefinementCtx<PolicyShape>): void => {
  const waitingBudget = budgetsWaitingForApproval(policy.budgets)[0];
  if (waitingBudget !== undefined && policy.approval === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['approval'],
      message: `is required: ${waitingBudget} has onExceeded approval, so someone must be able to approve`,
    });
  }
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
    for (const issue of checkFleetConsistency(entry, rules)) {
      ctx.addIssue({ code: 'custom', path: at(...issue.path), message: issue.message });
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
export const policySchema = policyShape.check(
  z.superRefine(checkConsistency, {
    when: (payload) => payload.issues.length === 0,
  }),
);
export type Policy = z.infer<typeof policySchema>;
export type PolicyInput = z.input<typeof policySchema>;
