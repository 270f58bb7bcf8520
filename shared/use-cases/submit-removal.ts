import { checkReplay, payloadHash, requestIdFor } from '#shared/domain/idempotency.ts';
import { idempotencyScopeOf } from '#shared/domain/idempotency-scope.ts';
import type { RemovalDetails, ReplicaRemovalInput } from '#shared/domain/removal-request.ts';
import type { Requester } from '#shared/domain/replica-request.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import { recordReceived } from '#shared/transitions/ingest-transitions.ts';
import type { SubmitDependencies, SubmitResult } from '#shared/use-cases/submit-request.ts';

/** A removal as an intake path hands it over: the body, with its key, requester and trigger filled in. */
export interface StoredRemoval extends ReplicaRemovalInput {
  readonly idempotencyKey: string;
  readonly requester: Requester;
  readonly trigger: RemovalDetails['trigger'];
}

/**
 * The scope of a removal's idempotency key: the caller's scope (`idempotency-scope.ts`) in a
 * namespace of its own, so a key a caller used for a create and reuses for a removal never meets
 * the create (neither as a replay nor as a conflict).
 */
export const removalScopeOf = (requester: Requester): string => `removal:${idempotencyScopeOf(requester)}`;

/**
 * Records a removal RECEIVED (`kind: 'removal'`) under its scoped idempotency key and queues it for
 * validation on the requests queue, as `submitRequest` does a create: same caller, key and payload →
 * the existing removal; another payload → IdempotencyConflictError; a replay still RECEIVED is
 * queued again.
 */
export const submitRemoval = async (
  removal: StoredRemoval,
  deps: SubmitDependencies,
): Promise<SubmitResult> => {
  const { DBInstanceId, trigger, ...common } = removal;
  // `trigger` is part of the payload: the same key from a key of another role is another payload.
  const hash = payloadHash(removal);
  const at = deps.clock.now().toISOString();
  const requestId = requestIdFor(removalScopeOf(removal.requester), removal.idempotencyKey);
  const record: RequestRecord = {
    requestId,
    kind: 'removal',
    idempotencyKey: removal.idempotencyKey,
    payloadHash: hash,
    state: 'RECEIVED',
    version: 1,
    // The generic fields every view, notifier and poller reads (primary, region, callback, dryRun).
    request: common,
    removal: { ...(DBInstanceId ? { DBInstanceId } : {}), trigger },
    requester: removal.requester,
    createdAt: at,
    updatedAt: at,
    history: [{ state: 'RECEIVED', at, note: `removal from ${removal.requester.source}` }],
  };
  const result = await recordReceived(deps.store, record);
  const stored = result.created ? result.record : result.existing;
  if (!result.created) checkReplay(stored, hash, removal.idempotencyKey);
  if (result.created || stored.state === 'RECEIVED') {
    await deps.queue.send('requests', { requestId });
  }
  return { record: stored, replayed: !result.created };
};
