import { idempotencyKeySchema, requesterSchema, requestShape } from '#shared/domain/replica-request.ts';
import { alwaysRun, checkCrossFieldRules } from '#shared/domain/replica-request-fields.ts';
import { parseFields } from '#shared/domain/replica-request-issues.ts';
import * as z from '#shared/util/zod-mini.ts';

/** A request as stored and queued: the ingress has filled in its idempotency key and requester. */
export const storedRequestSchema = z
  .strictObject({ ...requestShape, requester: requesterSchema, idempotencyKey: idempotencyKeySchema })
  .check(z.superRefine(checkCrossFieldRules, alwaysRun));
export type StoredReplicaRequest = z.infer<typeof storedRequestSchema>;

/** Parses a stored or queued request, which must carry `idempotencyKey` and `requester`. */
export const parseStoredRequest = (input: unknown): StoredReplicaRequest =>
  parseFields(storedRequestSchema, 'stored replica request', input);
