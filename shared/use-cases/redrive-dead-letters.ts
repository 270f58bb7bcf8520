import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Notification, RequestRecord } from '#shared/domain/request-record.ts';
import { isTerminal } from '#shared/domain/request-state.ts';
import { ConcurrentUpdateError, ReplicaFlowError } from '#shared/errors.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { DeadLetterQueues, RedriveTask } from '#shared/ports/dead-letter-queues.ts';
import type { MessageQueue, QueueName } from '#shared/ports/message-queue.ts';
import type { RequestStore } from '#shared/ports/request-store.ts';
import { DEAD_LETTER_LOCK } from '#shared/use-cases/mark-dead-letters.ts';
import { notifyMessageFor, withNewChain } from '#shared/use-cases/notification-outbox.ts';

/** How long a redrive waits for a running dead-letter scan to end. */
const LOCK_WAIT_MS = 30_000;
/** How long a redrive may hold the dead-letter lock (its move included) if it dies holding it. */
const REDRIVE_LOCK_MS = 120_000;
/** How long a redrive waits for its move task before it lets the scans run again. */
const MOVE_WAIT_MS = 100_000;
const POLL_MS = 200;

export interface RedriveDependencies {
  readonly store: Pick<RequestStore, 'get' | 'update' | 'acquireLock' | 'releaseLock'>;
  readonly queue: MessageQueue;
  readonly deadLetters: DeadLetterQueues;
  readonly clock: Clock;
}

export interface RedriveResult {
  readonly queue: QueueName;
  /** Dead letters found before the move started. */
  readonly deadLetters: number;
  /** Notifications given a new retry window (UNDELIVERED ones included). */
  readonly notificationsReset: number;
  /** Stuck markers removed. */
  readonly markersCleared: number;
  /** The SQS move task, when the queue held anything. */
  readonly task?: RedriveTask;
  /** Where the move task stood when the redrive let go of the dead-letter queue (normally COMPLETED). */
  readonly move?: { readonly status: string; readonly moved: number };
  /** Requests whose notification got a new retry chain, its message sent by the redrive. */
  readonly resent: readonly string[];
}

/**
 * A notification as a redrive leaves it: ENQUEUED with a new retry chain (due now) and a new retry
 * window from its next attempt. The redriven dead letters belong to the old chain and are dropped by
 * notify; the new chain's one message is sent by the redrive itself.
 */
export const resetForRedrive = (notification: Notification, at: string): Notification => {
  const { firstAttemptAt: _window, ...rest } = notification;
  return { ...withNewChain(rest, at), redrivenAt: at };
};

/**
 * Sends `queue`'s dead letters back to it (SQS StartMessageMoveTask). Before the move, each request
 * named by a dead letter gets ready for it: its stuck marker is removed and, for the notify queue, a
 * notification not yet DELIVERED (UNDELIVERED included) gets a new retry chain and a new retry window,
 * and that chain's message is sent — one chain, however many dead letters named the notification (the
 * moved ones belong to old chains and are dropped). `requestIds` does the same for requests whose
 * messages are not in the dead-letter queue (e.g. past its retention). The whole runs under the
 * dead-letter lock (`DEAD_LETTER_LOCK`, shared with the poller's scan) and returns once the move task
 * is over (`move`).
 */
export const redriveDeadLetters = async (
  queue: QueueName,
  deps: RedriveDependencies,
  options: { readonly requestIds?: readonly string[]; readonly max?: number } = {},
): Promise<RedriveResult> => {
  // The dead-letter scan stays off the queue from the peek below until the move is over.
  return holdingDeadLetterLock('redrive', deps, () => redriveHoldingLock(queue, deps, options));
};

/**
 * Runs `work` holding the dead-letter lock (`DEAD_LETTER_LOCK`, the poller's scan takes it too): a
 * scan's peek hides the letters it reads, so anything else that reads or moves them — a redrive, a
 * listing — waits for a running scan (up to LOCK_WAIT_MS) and keeps the next scan off until it is done.
 */
export const holdingDeadLetterLock = async <T>(
  purpose: string,
  deps: { readonly store: Pick<RequestStore, 'acquireLock' | 'releaseLock'>; readonly clock: Clock },
  work: () => Promise<T>,
): Promise<T> => {
  const owner = `${purpose}-${randomUUID()}`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    const now = deps.clock.now();
    const until = new Date(now.getTime() + REDRIVE_LOCK_MS);
    if (await deps.store.acquireLock(DEAD_LETTER_LOCK, owner, until, now)) break;
    if (Date.now() > deadline) {
      throw new ReplicaFlowError(
        'DEAD_LETTERS_BUSY',
        `the dead-letter queues stayed locked for ${LOCK_WAIT_MS / 1000} s (a scan or another redrive); try again`,
      );
    }
    await sleep(POLL_MS);
  }
  try {
    return await work();
  } finally {
    await deps.store.releaseLock(DEAD_LETTER_LOCK, owner);
  }
};

/** Waits until the move task is no longer RUNNING (or MOVE_WAIT_MS passed): where it stands then. */
const moveOutcome = async (
  task: RedriveTask,
  deps: RedriveDependencies,
): Promise<{ status: string; moved: number }> => {
  const deadline = Date.now() + MOVE_WAIT_MS;
  for (;;) {
    const status = await deps.deadLetters.redriveStatus(task);
    if (status.status !== 'RUNNING' || Date.now() > deadline) return status;
    await sleep(POLL_MS);
  }
};

const redriveHoldingLock = async (
  queue: QueueName,
  deps: RedriveDependencies,
  options: { readonly requestIds?: readonly string[]; readonly max?: number } = {},
): Promise<RedriveResult> => {
  const letters = await deps.deadLetters.peek(queue, options.max ?? 10_000);
  const requestIds = new Set(letters.flatMap((letter) => (letter.requestId ? [letter.requestId] : [])));
  let notificationsReset = 0;
  let markersCleared = 0;
  const resent: string[] = [];
  for (const requestId of new Set([...requestIds, ...(options.requestIds ?? [])])) {
    const record = await deps.store.get(requestId);
    if (!record) continue;
    const prepared = await prepare(record, queue, deps);
    if (prepared.reset) notificationsReset += 1;
    if (prepared.cleared) markersCleared += 1;
    if (prepared.reset && prepared.record?.notification) {
      await deps.queue.send('notify', notifyMessageFor(prepared.record));
      resent.push(requestId);
    }
  }
  const task = letters.length > 0 ? await deps.deadLetters.redrive(queue) : undefined;
  const move = task ? await moveOutcome(task, deps) : undefined;
  return {
    queue,
    deadLetters: letters.length,
    notificationsReset,
    markersCleared,
    ...(task ? { task, move } : {}),
    resent,
  };
};

const prepare = async (
  record: RequestRecord,
  queue: QueueName,
  deps: RedriveDependencies,
): Promise<{ reset: boolean; cleared: boolean; record?: RequestRecord }> => {
  const notification = record.notification;
  const reset =
    queue === 'notify' && isTerminal(record.state) && !!notification && notification.status !== 'DELIVERED';
  const cleared = record.stuck?.queue === queue;
  if (!reset && !cleared) return { reset, cleared, record };
  const at = deps.clock.now().toISOString();
  try {
    const updated = await deps.store.update({
      requestId: record.requestId,
      expectedVersion: record.version,
      state: record.state,
      ...(reset && notification ? { set: { notification: resetForRedrive(notification, at) } } : {}),
      ...(cleared ? { remove: ['stuck'] } : {}),
      at,
    });
    return { reset, cleared, record: updated };
  } catch (error) {
    if (!(error instanceof ConcurrentUpdateError)) throw error;
    // Changed under us (a delivery, a scan): read it again and try once more.
    const current = await deps.store.get(record.requestId);
    if (!current || current.version === record.version) throw error;
    return prepare(current, queue, deps);
  }
};
