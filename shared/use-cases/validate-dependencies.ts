import type { Policy } from '#shared/domain/policy.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { MessageQueue } from '#shared/ports/message-queue.ts';
import type { MarkerStore, RequestStore, SpendStore } from '#shared/ports/request-store.ts';
import type { TencentPostgres } from '#shared/ports/tencent-postgres.ts';

/** What `validateRequest` (and `validateRemoval`, which it hands removals to) takes. */
export interface ValidateDependencies {
  readonly store: RequestStore;
  /** Scale-out cooldown markers (the same table in practice). */
  readonly markers: MarkerStore;
  readonly queue: MessageQueue;
  readonly tencent: TencentPostgres;
  readonly clock: Clock;
  readonly policy: Policy;
  readonly callbackRules: { readonly localMode: boolean; readonly allowedHosts: readonly string[] };
  /** How long provisioning may take before the request ends TIMED_OUT. */
  readonly provisioningTimeoutMs: number;
  /** The running fleet's records, for the policy's budgets (`budget-judgement.ts`); the same table in practice. */
  readonly spend?: SpendStore;
  /** This deployment's identity: a removal acts only on replicas tagged with it. Absent: `DEFAULT_DEPLOYMENT`. */
  readonly deployment?: string;
  /** How long to wait for another validation's budget check before answering 'retry' (default 2 s; `budget-lock.ts`). */
  readonly budgetLockWaitMs?: number;
}

export type ValidateOutcome =
  | 'validated'
  | 'rejected'
  | 'dry-run'
  | 'skipped'
  | 'suppressed'
  | 'awaiting-approval'
  /** Another validation held the budget check past the wait (`budget-lock.ts`): back to the queue. */
  | 'retry';
