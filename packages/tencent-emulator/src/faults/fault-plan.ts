import * as z from 'zod';

/**
 * What can go wrong with a call:
 * - `InternalError`, `RequestLimitExceeded`: a Tencent error envelope; nothing is created.
 * - `HTTP502`, `HTTP504`: the gateway answers with that status; nothing is created.
 * - `Delay`: the call takes effect, then its answer is held for `delayMs` (longer than the client's timeout).
 * - `LostResponse`: the call takes effect, then the connection is destroyed before any answer.
 * - `ProvisioningFails`: the create succeeds, the replica ends `isolated` instead of `running`.
 * - `ProvisioningStuck`: the create succeeds, the replica stays `initing` forever.
 */
export const FAULT_KINDS = [
  'InternalError',
  'RequestLimitExceeded',
  'HTTP502',
  'HTTP504',
  'Delay',
  'LostResponse',
  'ProvisioningFails',
  'ProvisioningStuck',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

const PROVISIONING_FAULTS: readonly FaultKind[] = ['ProvisioningFails', 'ProvisioningStuck'];
const CREATE_ACTION = 'CreateReadOnlyDBInstance';

const faultKind = z.enum(FAULT_KINDS);

export const faultRule = z
  .strictObject({
    /** An action name, or `*` for every action. */
    action: z.string().regex(/^(\*|[A-Z][A-Za-z0-9]+)$/, 'an action name or *'),
    /** With `probability`: inject this fault on each call with that chance (seeded PRNG). */
    kind: faultKind.optional(),
    probability: z.number().min(0).max(1).optional(),
    /** Or a script, one step per call: a fault kind or `ok`. */
    sequence: z
      .array(z.union([faultKind, z.literal('ok')]))
      .min(1)
      .optional(),
    /** Replay the sequence from the start once it is used up (default: afterwards every call is ok). */
    repeat: z.boolean().default(false),
    /** For `Delay`: how long to hold the answer (default: the plan's `delayMs`). */
    delayMs: z.int().positive().max(600_000).optional(),
  })
  .superRefine((rule, ctx) => {
    const probabilistic = rule.kind !== undefined || rule.probability !== undefined;
    if (probabilistic === (rule.sequence !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'give either kind + probability, or sequence',
        path: ['sequence'],
      });
    }
    if (probabilistic && (rule.kind === undefined || rule.probability === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'kind and probability go together',
        path: [rule.kind === undefined ? 'kind' : 'probability'],
      });
    }
    const kinds = rule.sequence ?? (rule.kind ? [rule.kind] : []);
    if (rule.action !== CREATE_ACTION && kinds.some((k) => PROVISIONING_FAULTS.includes(k as FaultKind))) {
      ctx.addIssue({
        code: 'custom',
        message: `provisioning faults apply only to ${CREATE_ACTION}`,
        path: ['action'],
      });
    }
  });
export type FaultRule = z.output<typeof faultRule>;

/** `POST /_emulator/faults`: rules are added to those already active. */
export const faultPlanBody = z.strictObject({
  /** Reseeds the PRNG used by probability rules. */
  seed: z.int().optional(),
  /** Default hold time for `Delay` faults (ms). */
  delayMs: z.int().positive().max(600_000).optional(),
  rules: z.array(faultRule).default([]),
});
export type FaultPlanBody = z.output<typeof faultPlanBody>;
