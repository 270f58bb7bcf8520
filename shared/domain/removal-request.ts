import type { RemovalStep } from '#shared/domain/removal-safety.ts';
import { callbackSchema, idempotencyKeySchema } from '#shared/domain/replica-request.ts';
import { tencentFields } from '#shared/domain/replica-request-fields.ts';
import { parseFields } from '#shared/domain/replica-request-issues.ts';
import type { ApiKeyRole } from '#shared/http/api-keys.ts';
import * as z from '#shared/util/zod-mini.ts';

/**
 * A request to remove a read-only replica (issue #14, `POST /v1/replica-removals`): the primary, and
 * optionally the replica (`DBInstanceId`); without one, replica-flow picks the newest of its own
 * replicas of that primary, postpaid first (`replica-picker.ts`). Unknown fields are rejected by name.
 */
export const replicaRemovalSchema = z.strictObject({
  MasterDBInstanceId: tencentFields.MasterDBInstanceId,
  /** A replica id, `pgro-` and 8 characters. */
  DBInstanceId: z.optional(
    z.string().check(
      z.regex(/^pgro-[a-z0-9]{8}$/, {
        error: 'must be a read-only instance id like pgro-ab12cd34',
      }),
    ),
  ),
  /** The primary's region; absent: the primary's policy default. */
  Region: z.optional(tencentFields.Region),
  callback: z.optional(callbackSchema),
  idempotencyKey: z.optional(idempotencyKeySchema),
  /** Pick the replica and check every rule; remove nothing. */
  dryRun: z.optional(z.boolean()),
});
export type ReplicaRemovalInput = z.infer<typeof replicaRemovalSchema>;

/** Parses a removal body; throws `ValidationError` naming every bad or unknown field. */
export const parseReplicaRemoval = (input: unknown): ReplicaRemovalInput =>
  parseFields(replicaRemovalSchema, 'replica removal', input);

/** The replica a validated removal acts on, as Tencent described it when validate picked it. */
export interface RemovalTarget {
  readonly instanceId: string;
  readonly region: string;
  /** Its read-only group when picked ('' or absent: none). */
  readonly readOnlyGroupId?: string;
  /** Tencent's `PayType` (`postpaid` / `prepaid`). */
  readonly payType: string;
  /** The request that created it (its record, else its request-id tag). */
  readonly createdBy?: string;
}

/** A Tencent call a removal step has in flight: written (conditionally) before the call. */
export interface RemovalClaim {
  readonly step: RemovalStep;
  readonly owner: string;
  /** ISO-8601: after it, another delivery reads Tencent back and may act. */
  readonly until: string;
}

/** What a removal record carries beside the generic request fields. */
export interface RemovalDetails {
  /** The replica the caller named, if any. */
  readonly DBInstanceId?: string;
  /**
   * Who asked: an API key's role decides whether a prepaid replica may go (`admin` only); `alert`: a
   * scale-in step (`scale-in-step.ts`), which never takes a prepaid replica or goes below the minimum.
   */
  readonly trigger:
    | { readonly kind: 'api'; readonly role: ApiKeyRole }
    | { readonly kind: 'slack' }
    | { readonly kind: 'alert' };
  /** Set by validate. */
  readonly target?: RemovalTarget;
  /** An alert's removal: the policy's `scaleOut.minReplicas` read by validate, re-checked before each step that takes the replica out of service. */
  readonly minReplicas?: number;
  /** Policy `scaleIn.destroy`, read by validate: destroy once isolated, or leave it in the recycle bin. */
  readonly destroy?: 'immediate' | 'recycle-bin';
  /** The `RemoveDBInstanceFromReadOnlyGroup` task being waited on. */
  readonly groupTask?: { readonly taskId: number; readonly readOnlyGroupId: string; readonly sentAt: string };
  readonly claim?: RemovalClaim;
  /** Tencent calls made for this removal so far (reads and writes), for the bench. */
  readonly tencentCalls?: number;
}

export type { RequestKind } from '#shared/domain/request-kind.ts';

export { idempotencyKeySchema };
