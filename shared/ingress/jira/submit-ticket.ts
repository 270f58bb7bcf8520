import type { RequestRecord } from '#shared/domain/request-record.ts';
import type { RequestState } from '#shared/domain/request-state.ts';
import type { StoredReplicaRequest } from '#shared/domain/stored-request.ts';
import { IdempotencyConflictError } from '#shared/errors.ts';
import { type SubmitDependencies, submitRequest } from '#shared/use-cases/submit-request.ts';

/** Ends in which nothing was created (refused, denied, expired unapproved): a corrected ticket may ask again. */
const NOTHING_CREATED: ReadonlySet<RequestState> = new Set(['REJECTED', 'DRY_RUN', 'FAILED', 'EXPIRED']);

/** How many corrected versions of one ticket are taken (`jira:OPS-1`, `jira:OPS-1#2`, …). */
const MAX_REVISIONS = 10;

export interface TicketSubmission {
  readonly record: RequestRecord;
  readonly replayed: boolean;
  /** The ticket already has a request that a different version of it may not replace. */
  readonly duplicate: boolean;
}

/**
 * Records a ticket's request under `jira:{issue key}`. The same ticket again is a replay; a changed
 * ticket whose request is still running or has made a replica is a duplicate (never a second replica).
 * A changed ticket whose earlier request created nothing (rejected, dry run, failed) becomes a new
 * request under the next revision key, so fixing a rejected ticket and moving it back works.
 */
export const submitTicket = async (
  request: StoredReplicaRequest,
  deps: SubmitDependencies,
): Promise<TicketSubmission> => {
  let last: RequestRecord | undefined;
  for (let revision = 1; revision <= MAX_REVISIONS; revision += 1) {
    const idempotencyKey = revision === 1 ? request.idempotencyKey : `${request.idempotencyKey}#${revision}`;
    try {
      const submitted = await submitRequest({ ...request, idempotencyKey }, deps);
      return { ...submitted, duplicate: false };
    } catch (error) {
      if (!(error instanceof IdempotencyConflictError)) throw error;
      last = await deps.store.get(error.existingRequestId);
      if (last && !NOTHING_CREATED.has(last.state)) return { record: last, replayed: true, duplicate: true };
      if (!last) throw error;
    }
  }
  return { record: last as RequestRecord, replayed: true, duplicate: true };
};
