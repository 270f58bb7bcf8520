import * as z from 'zod';
import { checkCrossFieldRules, tencentFields } from '#shared/domain/replica-request-fields.ts';
import {
  fieldErrorMap,
  formatIssues,
  refuseForbiddenKeys,
  toFieldIssues,
} from '#shared/domain/replica-request-issues.ts';
import { ValidationError } from '#shared/errors.ts';

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

const requesterContextSchema = z.preprocess(
  refuseForbiddenKeys,
  z
    .record(z.string().min(1).max(64), z.string().max(2048))
    .refine((context) => Object.keys(context).length <= MAX_CONTEXT_ENTRIES, {
      error: `must have at most ${MAX_CONTEXT_ENTRIES} entries`,
    }),
);

export const requesterSchema = z.strictObject({
  source: z.enum(REQUESTER_SOURCES),
  /** Stable id of the caller in its source: Slack user id, Jira account id, alert receiver, IAM ARN… */
  identity: z.string().min(1).max(256),
  displayName: z.string().min(1).max(256).optional(),
  /** Where to answer and what it is about: Slack channel/team/response_url, Jira issue key, alert name. */
  context: requesterContextSchema.optional(),
});
export type Requester = z.infer<typeof requesterSchema>;

/** Where the completion webhook goes. Whether it must be https or allowlisted is decided by the sender. */
export const callbackSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, hostname: z.regexes.hostname }).max(2048),
});
export type Callback = z.infer<typeof callbackSchema>;

/** 1–255 printable ASCII characters (IETF Idempotency-Key draft; Stripe allows 255). */
export const idempotencyKeySchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x20-\x7e]*$/, { error: 'must contain only printable ASCII characters' });

const f = tencentFields;

const requestShape = {
  Region: f.Region.optional(),
  Zone: f.Zone.optional(),
  MasterDBInstanceId: f.MasterDBInstanceId,
  SpecCode: f.SpecCode.optional(),
  Storage: f.Storage.optional(),
  InstanceCount: f.InstanceCount.optional(),
  Period: f.Period.optional(),
  VpcId: f.VpcId.optional(),
  SubnetId: f.SubnetId.optional(),
  InstanceChargeType: f.InstanceChargeType.optional(),
  AutoVoucher: f.AutoVoucher.optional(),
  VoucherIds: f.VoucherIds.optional(),
  AutoRenewFlag: f.AutoRenewFlag.optional(),
  ProjectId: f.ProjectId.optional(),
  ActivityId: f.ActivityId.optional(),
  ReadOnlyGroupId: f.ReadOnlyGroupId.optional(),
  TagList: f.TagList.optional(),
  SecurityGroupIds: f.SecurityGroupIds.optional(),
  NeedSupportIpv6: f.NeedSupportIpv6.optional(),
  Name: f.Name.optional(),
  DBVersion: f.DBVersion.optional(),
  DedicatedClusterId: f.DedicatedClusterId.optional(),
  DeletionProtection: f.DeletionProtection.optional(),
  requester: requesterSchema.optional(),
  callback: callbackSchema.optional(),
  idempotencyKey: idempotencyKeySchema.optional(),
  /** Resolve and record the plan, tell the requester, create nothing. */
  dryRun: z.boolean().optional(),
};

const alwaysRun = { when: () => true } as const;

/** The body a source sends (ingress fills `idempotencyKey` and `requester` when absent). */
export const replicaRequestSchema = z.strictObject(requestShape).superRefine(checkCrossFieldRules, alwaysRun);
export type ReplicaRequest = z.infer<typeof replicaRequestSchema>;
export type ReplicaRequestInput = z.input<typeof replicaRequestSchema>;

/** A request as stored and queued: the ingress has filled in its idempotency key and requester. */
export const storedRequestSchema = z
  .strictObject({ ...requestShape, requester: requesterSchema, idempotencyKey: idempotencyKeySchema })
  .superRefine(checkCrossFieldRules, alwaysRun);
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
    SecurityGroupIds: f.SecurityGroupIds.readonly().optional(),
    ReadOnlyGroupId: f.ReadOnlyGroupId.optional(),
    AutoVoucher: f.AutoVoucher.optional(),
    VoucherIds: f.VoucherIds.readonly().optional(),
    AutoRenewFlag: f.AutoRenewFlag.optional(),
    ProjectId: f.ProjectId.optional(),
    ActivityId: f.ActivityId.optional(),
    NeedSupportIpv6: f.NeedSupportIpv6.optional(),
    DedicatedClusterId: f.DedicatedClusterId.optional(),
    DeletionProtection: f.DeletionProtection.optional(),
    Name: f.Name.optional(),
    TagList: f.TagList.readonly().optional(),
  })
  .superRefine(checkCrossFieldRules, alwaysRun)
  .readonly();
export type ReplicaPlan = z.infer<typeof replicaPlanSchema>;

const parseWith = <T>(schema: z.ZodType<T>, what: string, input: unknown): T => {
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
