import { checkReplay, legacyRequestIdFor, payloadHash, requestIdFor } from '#shared/domain/idempotency.ts';
import { idempotencyScopeOf, ownsLegacyRecord } from '#shared/domain/idempotency-scope.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import type { StoredReplicaRequest } from '#shared/domain/stored-request.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { MessageQueue } from '#shared/ports/message-queue.ts';
import type { RequestStore } from '#shared/ports/request-store.ts';
import { recordReceived } from '#shared/transitions/ingest-transitions.ts';

export interface SubmitDependencies {
  readonly store: RequestStore;
  readonly queue: MessageQueue;
  readonly clock: Clock;
}

export interface SubmitResult {
  readonly record: RequestRecord;
  /** True when the key was seen before with the same payload: the existing request is returned. */
  readonly replayed: boolean;
}

/**
 * Records a request as RECEIVED under its idempotency key, in the namespace of the caller that sent
 * it (`idempotencyScopeOf(request.requester)`), and queues it for validation.
 * Same caller, key and payload → the existing request; same caller and key, other payload →
 * IdempotencyConflictError. Another caller's use of the same key is never met.
 * A replay of a request still RECEIVED is queued again (validate is idempotent), so a crash
 * between the put and the send loses nothing.
 *
 * Records written before scopes are keyed by the key alone: that id is read first, and a record
 * there made by this same caller answers (replay or conflict) instead of a new request, so a replay
 * across the upgrade never makes a second replica. Nothing is written under that id any more.
 */
export const submitRequest = async (
  request: StoredReplicaRequest,
  deps: SubmitDependencies,
): Promise<SubmitResult> => {
  const scope = idempotencyScopeOf(request.requester);
  const hash = payloadHash(request);
  const legacy = await deps.store.get(legacyRequestIdFor(request.idempotencyKey));
  if (legacy && ownsLegacyRecord(scope, legacy.requester)) return replayOf(legacy, hash, request, deps);
  const at = deps.clock.now().toISOString();
  const requestId = requestIdFor(scope, request.idempotencyKey);
  const result = await recordReceived(deps.store, {
    requestId,
    idempotencyKey: request.idempotencyKey,
    payloadHash: hash,
    state: 'RECEIVED',
    version: 1,
    request,
    requester: request.requester,
    createdAt: at,
    updatedAt: at,
    history: [{ state: 'RECEIVED', at, note: `from ${request.requester.source}` }],
  });
  if (result.created) {
    await deps.queue.send('requests', { requestId });
    return { record: result.record, replayed: false };
  }
  return replayOf(result.existing, hash, request, deps);
};

const replayOf = async (
  existing: RequestRecord,
  hash: string,
  request: StoredReplicaRequest,
  deps: SubmitDependencies,
): Promise<SubmitResult> => {
  checkReplay(existing, hash, request.idempotencyKey);
  if (existing.state === 'RECEIVED') await deps.queue.send('requests', { requestId: existing.requestId });
  return { record: existing, replayed: true };
};
