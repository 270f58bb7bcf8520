import { alwaysRun, checkCrossFieldRules, tencentFields } from '#shared/domain/replica-request-fields.ts';
import { parseFields } from '#shared/domain/replica-request-issues.ts';
import * as z from '#shared/util/zod-mini.ts';

const f = tencentFields;

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

/** Parses a plan (e.g. read back from the store); throws `ValidationError`. */
export const parseReplicaPlan = (input: unknown): ReplicaPlan =>
  parseFields(replicaPlanSchema, 'replica plan', input);
