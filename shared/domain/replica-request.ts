import { alwaysRun, checkCrossFieldRules, tencentFields } from '#shared/domain/replica-request-fields.ts';
import { parseFields, refuseForbiddenKeys } from '#shared/domain/replica-request-issues.ts';
import { SOURCES, type SourceId } from '#shared/ingress/sources.ts';
import * as z from '#shared/util/zod-mini.ts';
import { preprocess } from '#shared/util/zod-preprocess.ts';

/**
 * A request for a read-only replica, as every source (API, Slack, alerts, Jira) hands it to the
 * flow: the `CreateReadOnlyDBInstance` parameters of the seed page (PascalCase, as Tencent names
 * them) plus `Region` and replica-flow's own fields in camelCase. Fields a policy can default per
 * primary are optional here; `MasterDBInstanceId` never is. Unknown fields are rejected by name.
 */

export { formatIssues } from '#shared/domain/replica-request-issues.ts';

/** Every trigger source's name (shared/ingress/sources.ts, the one list of sources). */
export const REQUESTER_SOURCES = SOURCES.map((source) => source.id) as readonly SourceId[] as readonly [
  SourceId,
  ...SourceId[],
];
export type RequesterSource = SourceId;

const MAX_CONTEXT_ENTRIES = 32;

const requesterContextSchema = preprocess(
  refuseForbiddenKeys,
  z.record(z.string().check(z.minLength(1), z.maxLength(64)), z.string().check(z.maxLength(2048))).check(
    z.refine((context) => Object.keys(context).length <= MAX_CONTEXT_ENTRIES, {
      error: `must have at most ${MAX_CONTEXT_ENTRIES} entries`,
    }),
  ),
);

export const requesterSchema = z.strictObject({
  source: z.enum(REQUESTER_SOURCES),
  /** Stable id of the caller in its source: Slack user id, Jira account id, alert receiver, IAM ARN… */
  identity: z.string().check(z.minLength(1), z.maxLength(256)),
  displayName: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
  /** Where to answer and what it is about: Slack channel/team/response_url, Jira issue key, alert name. */
  context: z.optional(requesterContextSchema),
});
export type Requester = z.infer<typeof requesterSchema>;

/**
 * zod's own `regexes.hostname` (zod/v4/core/regexes.js), written out (no `z.regexes`: see
 * docs/bundling.md#zod-mini-only).
 */
const HOSTNAME =
  /^(?=.{1,253}\.?$)[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[-0-9a-zA-Z]{0,61}[0-9a-zA-Z])?)*\.?$/;

/** Where the completion webhook goes. Whether it must be https or allowlisted is decided by the sender. */
export const callbackSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, hostname: HOSTNAME }).check(z.maxLength(2048)),
});
export type Callback = z.infer<typeof callbackSchema>;

/** 1–255 printable ASCII characters (IETF Idempotency-Key draft; Stripe allows 255). */
export const idempotencyKeySchema = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(255),
    z.regex(/^[\x20-\x7e]*$/, { error: 'must contain only printable ASCII characters' }),
  );

const f = tencentFields;

/** The request's fields; the stored request (`stored-request.ts`) requires two of them. */
export const requestShape = {
  Region: z.optional(f.Region),
  Zone: z.optional(f.Zone),
  MasterDBInstanceId: f.MasterDBInstanceId,
  SpecCode: z.optional(f.SpecCode),
  Storage: z.optional(f.Storage),
  InstanceCount: z.optional(f.InstanceCount),
  Period: z.optional(f.Period),
  VpcId: z.optional(f.VpcId),
  SubnetId: z.optional(f.SubnetId),
  InstanceChargeType: z.optional(f.InstanceChargeType),
  AutoVoucher: z.optional(f.AutoVoucher),
  VoucherIds: z.optional(f.VoucherIds),
  AutoRenewFlag: z.optional(f.AutoRenewFlag),
  ProjectId: z.optional(f.ProjectId),
  ActivityId: z.optional(f.ActivityId),
  ReadOnlyGroupId: z.optional(f.ReadOnlyGroupId),
  TagList: z.optional(f.TagList),
  SecurityGroupIds: z.optional(f.SecurityGroupIds),
  NeedSupportIpv6: z.optional(f.NeedSupportIpv6),
  Name: z.optional(f.Name),
  DBVersion: z.optional(f.DBVersion),
  DedicatedClusterId: z.optional(f.DedicatedClusterId),
  DeletionProtection: z.optional(f.DeletionProtection),
  requester: z.optional(requesterSchema),
  callback: z.optional(callbackSchema),
  idempotencyKey: z.optional(idempotencyKeySchema),
  /** Resolve and record the plan, tell the requester, create nothing. */
  dryRun: z.optional(z.boolean()),
};

/** The body a source sends (ingress fills `idempotencyKey` and `requester` when absent). */
export const replicaRequestSchema = z
  .strictObject(requestShape)
  .check(z.superRefine(checkCrossFieldRules, alwaysRun));
export type ReplicaRequest = z.infer<typeof replicaRequestSchema>;
export type ReplicaRequestInput = z.input<typeof replicaRequestSchema>;

/** Parses a source's request body; throws `ValidationError` naming every bad or unknown field. */
export const parseReplicaRequest = (input: unknown): ReplicaRequest =>
  parseFields(replicaRequestSchema, 'replica request', input);
