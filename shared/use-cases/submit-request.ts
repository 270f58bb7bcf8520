import { checkReplay, payloadHash, requestIdFor } from '#shared/domain/idempotency.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import type { StoredReplicaRequest } from '#shared/domain/stored-request.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { MessageQueue } from '#shared/ports/message-queue.ts';
import type { RequestStore } from '#shared/ports/request-store.ts';

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
 * Records a request as RECEIVED under its idempotency key and queues it for validation.
 * Same key and payload → the existing request; same key, other payload → IdempotencyConflictError.
 * A replay of a request still RECEIVED is queued again (validate is idempotent), so a crash
 * between the put and the send loses nothing.
 */
export const submitRequest = async (
  request: StoredReplicaRequest,
  deps: SubmitDependencies,
): Promise<SubmitResult> => {
  const at = deps.clock.now().toISOString();
  const requestId = requestIdFor(request.idempotencyKey);
  const hash = payloadHash(request);
  const result = await deps.store.putNew({
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
  checkReplay(result.existing, hash, request.idempotencyKey);
  if (result.existing.state === 'RECEIVED') await deps.queue.send('requests', { requestId });
  return { record: result.existing, replayed: true };
};
