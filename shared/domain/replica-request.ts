import { checkCrossFieldRules, tencentFields } from '#shared/domain/replica-request-fields.ts';
import {
  fieldErrorMap,
  formatIssues,
  refuseForbiddenKeys,
  toFieldIssues,
} from '#shared/domain/replica-request-issues.ts';
import { ValidationError } from '#shared/errors.ts';
import * as z from '#shared/util/zod-mini.ts';
import { preprocess } from '#shared/util/zod-preprocess.ts';

/**
 * A request for a read-only replica, as every source (API, Slack, alerts, Jira) hands it to the
 * flow: the `CreateReadOnlyDBInstance` parameters of the seed page (PascalCase, as Tencent names
 * them) plus `Region` and replica-flow's own fields in camelCase. Fields a policy can default per
 * primary are optional here; `MasterDBInstanceId` never is. Unknown fields are rejected by name.
 */

export { formatIssues } from '#shared/domain/replica-request-issues.ts';

export const REQUESTER_SOURCES = [
  'api',
  'slack',
  'alertmanager',
  'tencent-monitor',
  'cloudwatch',
  'grafana',
  'jira',
] as const;
export type RequesterSource = (typeof REQUESTER_SOURCES)[number];

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

/** Where the completion webhook goes. Whether it must be https or allowlisted is decided by the sender. */
export const callbackSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, hostname: z.regexes.hostname }).check(z.maxLength(2048)),
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

const requestShape = {
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

const alwaysRun = { when: () => true } as const;

/** The body a source sends (ingress fills `idempotencyKey` and `requester` when absent). */
export const replicaRequestSchema = z
  .strictObject(requestShape)
  .check(z.superRefine(checkCrossFieldRules, alwaysRun));
export type ReplicaRequest = z.infer<typeof replicaRequestSchema>;
export type ReplicaRequestInput = z.input<typeof replicaRequestSchema>;

/** A request as stored and queued: the ingress has filled in its idempotency key and requester. */
export const storedRequestSchema = z
  .strictObject({ ...requestShape, requester: requesterSchema, idempotencyKey: idempotencyKeySchema })
  .check(z.superRefine(checkCrossFieldRules, alwaysRun));
export type StoredReplicaRequest = z.infer<typeof storedRequestSchema>;

/**
 * The exact `CreateReadOnlyDBInstance` parameters (plus `Region`) after policy defaults: what
 * Tencent requires is required here. `VpcId`/`SubnetId` are required too (the API refuses classic
 * networks). `Name` and `TagList` are carried from the request; the create step adds its own.
 */
export const replicaPlanSchema = z
  .strictObject({
    Region: f.Region,
    Zone: f.Zone,
    MasterDBInstanceId: f.MasterDBInstanceId,
    SpecCode: f.SpecCode,
    Storage: f.Storage,
    InstanceCount: f.InstanceCount,
    Period: f.Period,
    InstanceChargeType: f.InstanceChargeType,
    VpcId: f.VpcId,
    SubnetId: f.SubnetId,
    SecurityGroupIds: z.optional(z.readonly(f.SecurityGroupIds)),
    ReadOnlyGroupId: z.optional(f.ReadOnlyGroupId),
    AutoVoucher: z.optional(f.AutoVoucher),
    VoucherIds: z.optional(z.readonly(f.VoucherIds)),
    AutoRenewFlag: z.optional(f.AutoRenewFlag),
    ProjectId: z.optional(f.ProjectId),
    ActivityId: z.optional(f.ActivityId),
    NeedSupportIpv6: z.optional(f.NeedSupportIpv6),
    DedicatedClusterId: z.optional(f.DedicatedClusterId),
    DeletionProtection: z.optional(f.DeletionProtection),
    Name: z.optional(f.Name),
    TagList: z.optional(z.readonly(f.TagList)),
  })
  .check(z.superRefine(checkCrossFieldRules, alwaysRun))
  .apply(z.readonly);
export type ReplicaPlan = z.infer<typeof replicaPlanSchema>;

const parseWith = <T>(schema: z.ZodMiniType<T>, what: string, input: unknown): T => {
  const result = schema.safeParse(input, { error: fieldErrorMap });
  if (result.success) return result.data;
  const issues = toFieldIssues(result.error.issues);
  throw new ValidationError(`Invalid ${what}: ${formatIssues(issues)}`, issues, { cause: result.error });
};

/** Parses a source's request body; throws `ValidationError` naming every bad or unknown field. */
export const parseReplicaRequest = (input: unknown): ReplicaRequest =>
  parseWith(replicaRequestSchema, 'replica request', input);

/** Parses a stored or queued request, which must carry `idempotencyKey` and `requester`. */
export const parseStoredRequest = (input: unknown): StoredReplicaRequest =>
  parseWith(storedRequestSchema, 'stored replica request', input);

/** Parses a plan (e.g. read back from the store); throws `ValidationError`. */
export const parseReplicaPlan = (input: unknown): ReplicaPlan =>
  parseWith(replicaPlanSchema, 'replica plan', input);
