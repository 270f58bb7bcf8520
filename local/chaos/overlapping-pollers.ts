import type { LocalStack } from '#local/stack/local-stack.ts';
import type { RequestStore } from '#shared/ports/request-store.ts';
import { pollInFlight } from '#shared/use-cases/poll-in-flight.ts';

/** The store as a poller whose run lock expired mid-cycle sees it: every lock is "held". */
const withoutRunLock = (store: RequestStore): RequestStore => ({
  putNew: (record) => store.putNew(record),
  get: (requestId) => store.get(requestId),
  transition: (command) => store.transition(command),
  update: (command) => store.update(command),
  listInFlight: (options) => store.listInFlight(options),
  acquireLock: async () => true,
  releaseLock: async () => undefined,
});

export interface OverlappingPollers {
  /** One round: two scheduled-style cycles at once (one loses the run lock) and a lock-less cycle. */
  round(): Promise<void>;
  readonly counts: () => {
    readonly rounds: number;
    readonly skippedByLock: number;
    readonly lockless: number;
  };
}

/**
 * Poller runs that overlap each other and the stack's own schedule: `pollOnce` twice at once (the run
 * lock lets one act), plus a cycle that ignores the lock, as a run that outlived its lock would. Only
 * the conditional writes on each record (DESIGN.md step 4) keep them from acting twice.
 */
export const overlappingPollers = (stack: LocalStack): OverlappingPollers => {
  const deps = stack.dependencies;
  let rounds = 0;
  let skippedByLock = 0;
  let lockless = 0;
  return {
    round: async () => {
      rounds += 1;
      const results = await Promise.allSettled([
        stack.pollOnce(),
        stack.pollOnce(),
        pollInFlight({
          ...deps,
          store: withoutRunLock(deps.store),
          visibilityGraceMs: deps.settings.visibilityGraceMs,
          requeueAfterMs: deps.settings.requeueAfterMs,
          lockMs: deps.settings.pollLockMs,
          owner: 'chaos-lockless-poller',
          // It restores minimums too, racing the stack's own cycles for the minimum marker.
          markers: deps.store,
        }).then((report) => {
          lockless += 1;
          return report;
        }),
      ]);
      for (const result of results.slice(0, 2)) {
        if (result.status === 'fulfilled' && result.value.skipped) skippedByLock += 1;
      }
    },
    counts: () => ({ rounds, skippedByLock, lockless }),
  };
};
