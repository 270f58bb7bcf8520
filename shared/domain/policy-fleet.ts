import { checkPolicyRules, type EffectiveRules } from '#shared/domain/policy-rules.ts';
import { regionOfZone, tencentFields } from '#shared/domain/replica-request-fields.ts';
import { describeValue } from '#shared/domain/replica-request-issues.ts';
import * as z from '#shared/util/zod-mini.ts';

/**
 * The fleet half of a primary's policy (issue #14): the minimum, the zone fallback, scale-in and the
 * read-only group. Parsed, validated and exposed (`fleetPolicyOf`). Removals read `scaleIn.destroy`
 * and `minReplicas` (validate-removal.ts); the poller restores `minReplicas` (restore-minimums.ts);
 * alert-driven scale-in reads `scaleIn` (scale-in-step.ts); creates use `fallback` and `readOnlyGroup`
 * (create-fallback.ts, read-only-group-join.ts).
 */

const got = (issue: { readonly input?: unknown }): string => `(got ${describeValue(issue.input)})`;
const f = tencentFields;

/**
 * One alternative `{Zone, SpecCode}` a scale-out tries when Tencent refuses the create for capacity
 * or spec. `SubnetId` (optional): a subnet of that zone — Tencent VPC subnets belong to one zone, so
 * a fallback to another zone usually needs its own; absent, the plan's subnet is used.
 */
export const fallbackTargetSchema = z.strictObject({
  Zone: f.Zone,
  SpecCode: f.SpecCode,
  SubnetId: z.optional(f.SubnetId),
});
export type FallbackTarget = z.infer<typeof fallbackTargetSchema>;

/** At most this many fallbacks: each is a create attempt Tencent may refuse. */
export const MAX_FALLBACKS = 5;

/** Fields of `scaleOut` added by the fleet work, spread into `scaleOutPolicySchema`. */
export const scaleOutFleetShape = {
  /** (Default 0.) The poller creates replicas up to this many when one disappears out of band (Aurora's minimum). */
  minReplicas: z.optional(
    z
      .int({ error: (issue) => `must be a whole number of replicas ${got(issue)}` })
      .check(z.gte(0, { error: (issue) => `must be 0 or more ${got(issue)}` })),
  ),
  /** Ordered alternatives to the profile's `{Zone, SpecCode}`, tried after a capacity or spec refusal. */
  fallback: z.optional(
    z.array(fallbackTargetSchema).check(
      z.maxLength(MAX_FALLBACKS, {
        error: `must list at most ${MAX_FALLBACKS} {Zone, SpecCode} alternatives`,
      }),
    ),
  ),
};

export const SCALE_IN_DESTROY_MODES = ['immediate', 'recycle-bin'] as const;

/** Alert-driven scale-in for this primary (`scale-in-candidacy.ts`, `scale-in-step.ts`). */
export const scaleInPolicySchema = z.strictObject({
  enabled: z.boolean({ error: (issue) => `must be true or false ${got(issue)}` }),
  /** Minimum time after any scale-out or scale-in of this primary before a scale-in. */
  cooldownSeconds: z._default(
    z.int().check(z.gte(0, { error: (issue) => `must be 0 or more seconds ${got(issue)}` })),
    900,
  ),
  /** How long no alert of this primary may have fired before one replica is removed. */
  stableForSeconds: z._default(
    z.int().check(z.gte(0, { error: (issue) => `must be 0 or more seconds ${got(issue)}` })),
    1800,
  ),
  /** `recycle-bin`: isolate and leave it recoverable (3 days postpaid, 7 prepaid); `immediate`: destroy it once isolated. */
  destroy: z._default(
    z.enum(SCALE_IN_DESTROY_MODES, {
      error: (issue) => `must be immediate or recycle-bin ${got(issue)}`,
    }),
    'recycle-bin',
  ),
});
export type ScaleInPolicy = z.infer<typeof scaleInPolicySchema>;

const GROUP_ID = /^pgrogrp-[a-z0-9]{8}$/;

/** `auto`: find or create one group for the primary; `none`: no group; or an existing group's id. */
export const readOnlyGroupModeSchema = z.string().check(
  z.refine((mode) => mode === 'auto' || mode === 'none' || GROUP_ID.test(mode), {
    error: (issue) => `must be auto, none or a read-only group id like pgrogrp-ab12cd34 ${got(issue)}`,
  }),
);

/** Where replicas of this primary serve from (used by scale-out and scale-in, coming). */
export const readOnlyGroupPolicySchema = z
  .strictObject({
    mode: readOnlyGroupModeSchema,
    /** The group `auto` finds or creates (Tencent: under 60 characters: CJK, letters, digits, `_`, `-`). */
    name: z.optional(
      z.string().check(
        z.regex(/^[\p{Script=Han}A-Za-z0-9_-]{1,59}$/u, {
          error: (issue) => `must be 1-59 CJK characters, letters, digits, _ or - ${got(issue)}`,
        }),
      ),
    ),
    /** Seconds of replay lag after which a member leaves the group's load balancing. */
    maxReplayLag: z.optional(
      z.int().check(z.gte(1, { error: (issue) => `must be 1 or more seconds ${got(issue)}` })),
    ),
    /** MB of replay latency after which a member leaves the group's load balancing. */
    maxReplayLatency: z.optional(
      z.int().check(z.gte(1, { error: (issue) => `must be 1 or more MB ${got(issue)}` })),
    ),
    /** Members kept in load balancing however far they lag (0–100). */
    minDelayEliminateReserve: z.optional(
      z
        .int()
        .check(
          z.gte(0, { error: (issue) => `must be 0-100 ${got(issue)}` }),
          z.lte(100, { error: (issue) => `must be 0-100 ${got(issue)}` }),
        ),
    ),
  })
  .check(
    z.superRefine((group, ctx) => {
      if (group.mode !== 'auto' && group.name !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['name'],
          message: `names the group auto creates; with mode ${group.mode} nothing is created`,
        });
      }
      if (group.mode === 'none') {
        for (const field of ['maxReplayLag', 'maxReplayLatency', 'minDelayEliminateReserve'] as const) {
          if (group[field] !== undefined) {
            ctx.addIssue({
              code: 'custom',
              path: [field],
              message: 'applies to a group; mode none has none',
            });
          }
        }
      }
    }),
  );
export type ReadOnlyGroupPolicy = z.infer<typeof readOnlyGroupPolicySchema>;

/** Fields of a primary's entry added by the fleet work, spread into `primaryPolicySchema`. */
export const primaryFleetShape = {
  scaleIn: z.optional(scaleInPolicySchema),
  readOnlyGroup: z.optional(readOnlyGroupPolicySchema),
};

interface FleetEntry {
  readonly scaleOut?:
    | {
        readonly maxReplicas: number;
        readonly minReplicas?: number | undefined;
        readonly fallback?: readonly FallbackTarget[] | undefined;
      }
    | undefined;
  readonly scaleIn?: ScaleInPolicy | undefined;
  readonly readOnlyGroup?: ReadOnlyGroupPolicy | undefined;
}

export interface FleetIssue {
  readonly path: readonly string[];
  readonly message: string;
}

/**
 * Rules across fields of one primary's entry: the minimum within the maximum, each fallback allowed
 * by the policy's specs and regions. Paths are relative to the entry.
 */
export const checkFleetConsistency = (entry: FleetEntry, rules: EffectiveRules): FleetIssue[] => {
  const issues: FleetIssue[] = [];
  const scaleOut = entry.scaleOut;
  if (!scaleOut) return issues;
  if ((scaleOut.minReplicas ?? 0) > scaleOut.maxReplicas) {
    issues.push({
      path: ['scaleOut', 'minReplicas'],
      message: `must not exceed maxReplicas ${scaleOut.maxReplicas} (got ${scaleOut.minReplicas})`,
    });
  }
  for (const [index, target] of (scaleOut.fallback ?? []).entries()) {
    const Region = regionOfZone(target.Zone);
    for (const violation of checkPolicyRules({ SpecCode: target.SpecCode, Region }, rules)) {
      issues.push({
        path: [
          'scaleOut',
          'fallback',
          String(index),
          violation.field === 'Region' ? 'Zone' : (violation.field ?? ''),
        ],
        message: `${violation.message} (${violation.rule})`,
      });
    }
  }
  return issues;
};

/** A primary's fleet settings with every default filled in (no entry, or no `scaleIn`: scale-in off). */
export interface FleetPolicy {
  readonly minReplicas: number;
  readonly fallback: readonly FallbackTarget[];
  readonly scaleIn: ScaleInPolicy;
  readonly readOnlyGroup: ReadOnlyGroupPolicy;
}

export const fleetPolicyOf = (entry: FleetEntry | undefined): FleetPolicy => ({
  minReplicas: entry?.scaleOut?.minReplicas ?? 0,
  fallback: entry?.scaleOut?.fallback ?? [],
  scaleIn: entry?.scaleIn ?? scaleInPolicySchema.parse({ enabled: false }),
  readOnlyGroup: entry?.readOnlyGroup ?? { mode: 'none' },
});
