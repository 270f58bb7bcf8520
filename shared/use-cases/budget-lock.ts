import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { logger } from '#shared/logger.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { RequestStore } from '#shared/ports/request-store.ts';

/** The one lease every budgeted validation takes (one for all budgets: replica volumes are small). */
export const BUDGET_LOCK = 'budget-check';
/** How long the lease holds: far longer than a spend-index read plus one conditional write. */
export const BUDGET_LOCK_MS = 10_000;
/** How long a validation waits for another's judgement before the message goes back to the queue. */
export const BUDGET_LOCK_WAIT_MS = 2_000;
const POLL_MS = 50;

export interface BudgetLockDependencies {
  readonly store: Pick<RequestStore, 'acquireLock' | 'releaseLock'>;
  readonly clock: Clock;
  /** Test seam: the wait before giving up (default BUDGET_LOCK_WAIT_MS). */
  readonly budgetLockWaitMs?: number;
}

/**
 * Runs `work` (judge the budgets, then write the state that counts the plan) holding the
 * `budget-check` lease, so no two validations judge the same fleet. Waits up to
 * BUDGET_LOCK_WAIT_MS for a running judgement (tens of milliseconds: cheaper than a redelivery),
 * then answers 'retry' and the message comes back after its queue backoff. `work` is given the
 * lease's end; it must not write once that has passed (its judgement may no longer be alone).
 */
export const holdingBudgetLock = async <T>(
  deps: BudgetLockDependencies,
  work: (leaseEnds: Date) => Promise<T>,
): Promise<T | 'retry'> => {
  const owner = `validate-${randomUUID()}`;
  const giveUpAt = Date.now() + (deps.budgetLockWaitMs ?? BUDGET_LOCK_WAIT_MS);
  let leaseEnds: Date;
  for (;;) {
    const now = deps.clock.now();
    leaseEnds = new Date(now.getTime() + BUDGET_LOCK_MS);
    if (await deps.store.acquireLock(BUDGET_LOCK, owner, leaseEnds, now)) break;
    if (Date.now() >= giveUpAt) {
      logger.info('budgets: another validation holds the budget check; retrying through the queue');
      return 'retry';
    }
    await sleep(POLL_MS);
  }
  try {
    return await work(leaseEnds);
  } finally {
    await deps.store.releaseLock(BUDGET_LOCK, owner);
  }
};
