import type { Clock } from '#shared/ports/clock.ts';
import type { MessageQueue } from '#shared/ports/message-queue.ts';
import type { RequestStore } from '#shared/ports/request-store.ts';
import type { TencentPostgres } from '#shared/ports/tencent-postgres.ts';
import type { KnownGroups } from '#shared/use-cases/known-groups.ts';

/** What `createReplica` (and `removeReplica`, which it hands removals to) takes. */
export interface CreateDependencies {
  readonly store: RequestStore;
  readonly queue: MessageQueue;
  readonly tencent: TencentPostgres;
  readonly clock: Clock;
  /** Lease length; at least the function timeout, so a live call never outlives its lease. */
  readonly leaseMs: number;
  /** Identifies this invocation as the lease owner. */
  readonly owner?: string;
  /** This deployment's identity, tagged on the replica (`deployment-identity.ts`); absent: `DEFAULT_DEPLOYMENT`. */
  readonly deployment?: string;
  /** The read-only groups this function instance found or made (`known-groups.ts`). */
  readonly knownGroups?: KnownGroups;
  /** Test hook: runs after Tencent answered and before the answer is stored (crash injection). */
  readonly afterCall?: (requestId: string) => Promise<void>;
}

/**
 * - `submitted`: Tencent accepted the order; DealNames stored.
 * - `retry`: Tencent refused before accepting (throttled): the lease is released and the message
 *   must come back later (backoff through the queue).
 * - `failed`: a business error; the request ended FAILED and its notification is queued.
 * - `unknown`: the outcome is unknown (timeout, reset, 5xx, InternalError); the poller reconciles.
 * - `skipped`: not ours to act on (duplicate delivery, already created, someone else holds it).
 */
export type CreateOutcome = 'submitted' | 'retry' | 'failed' | 'unknown' | 'skipped';
