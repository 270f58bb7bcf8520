import { APPROVAL_DECISIONS } from '#shared/domain/approval-record.ts';
import { parseFields } from '#shared/domain/replica-request-issues.ts';
import * as z from '#shared/util/zod-mini.ts';

/** The body of `POST /v1/replica-requests/{id}/approval`. */
export const approvalBodySchema = z.strictObject({
  decision: z.enum(APPROVAL_DECISIONS, { error: `must be one of ${APPROVAL_DECISIONS.join(', ')}` }),
  /** Why: kept in the request's history and in every later webhook. */
  reason: z.optional(z.string().check(z.maxLength(1000))),
});
export type ApprovalBody = z.infer<typeof approvalBodySchema>;

/** Parses the body; a `ValidationError` (400) names each field and rule. */
export const parseApprovalBody = (input: unknown): ApprovalBody =>
  parseFields(approvalBodySchema, 'approval', input);
