import { randomUUID } from 'node:crypto';
import type { RequestRecord, StuckMarker } from '#shared/domain/request-record.ts';
import { isTerminal } from '#shared/domain/request-state.ts';
import { ConcurrentUpdateError } from '#shared/errors.ts';
import { logger } from '#shared/logger.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { DeadLetter, DeadLetterQueues } from '#shared/ports/dead-letter-queues.ts';
import type { QueueName } from '#shared/ports/message-queue.ts';
import type { RequestStore } from '#shared/ports/request-store.ts';

/**
 * Taken by the dead-letter scan and by a redrive, so the two never overlap. A scan's peek hides the
 * letters it reads while it reads them: a move task started then leaves them in the dead-letter
 * queue. And a scan between a redrive's preparation and its move marks the requests stuck again,
 * after which their letters are gone and nothing clears the marker.
 */
export const DEAD_LETTER_LOCK = 'dead-letters';
/** How long a scan may hold the lock if it dies holding it. */
const SCAN_LOCK_MS = 60_000;

export interface MarkDeadLettersDependencies {
  readonly store: Pick<RequestStore, 'get' | 'update' | 'acquireLock' | 'releaseLock'>;
  readonly deadLetters: DeadLetterQueues;
  readonly clock: Clock;
  /** Dead letters read per queue and run (default 100). */
  readonly maxPerQueue?: number;
}

export interface DeadLetterScan {
  /** A redrive held the dead-letter lock: this cycle scanned nothing, the next one looks again. */
  readonly skipped: boolean;
  /** Dead letters read, per queue. */
  readonly seen: Record<QueueName, number>;
  /** Requests newly marked stuck. */
  readonly marked: number;
  /** Markers removed: the request no longer waits on that queue. */
  readonly cleared: number;
  /** Dead letters naming no request, or one that does not exist (anymore). */
  readonly unattributed: number;
}

const QUEUES: readonly QueueName[] = ['requests', 'create', 'notify'];

/**
 * Whether the request still needs a message of `queue`: validation for RECEIVED, the create call for
 * VALIDATED, the notification for a terminal request not yet told. A dead letter for a request that
 * has moved on since (a requeue or a redelivery did the work) changes nothing.
 */
export const waitsOn = (record: RequestRecord, queue: QueueName): boolean => {
  if (queue === 'requests') return record.state === 'RECEIVED';
  if (queue === 'create') return record.state === 'VALIDATED';
  return (
    isTerminal(record.state) &&
    record.notification !== undefined &&
    record.notification.status !== 'DELIVERED'
  );
};

/**
 * Makes dead letters visible on their requests (run by the poller after each cycle). For each message
 * in a dead-letter queue, the request it names gets a `stuck` marker (queue, reason, message id) while
 * it still waits on that queue; the marker is removed once the request has moved on. The state machine
 * is untouched: a stuck request is still RECEIVED, VALIDATED or terminal, and the marker says why it
 * does not move. The alarm on the dead-letter queue's depth tells a person; `replica-flow dlq list`
 * shows what is there and `replica-flow dlq redrive <queue>` sends it back (and clears the markers).
 */
export const markDeadLetters = async (deps: MarkDeadLettersDependencies): Promise<DeadLetterScan> => {
  const scan = {
    skipped: false,
    seen: { requests: 0, create: 0, notify: 0 },
    marked: 0,
    cleared: 0,
    unattributed: 0,
  };
  const owner = `scan-${randomUUID()}`;
  const now = deps.clock.now();
  const locked = await deps.store.acquireLock(
    DEAD_LETTER_LOCK,
    owner,
    new Date(now.getTime() + SCAN_LOCK_MS),
    now,
  );
  if (!locked) return { ...scan, skipped: true };
  try {
    await scanQueues(deps, scan);
  } finally {
    await deps.store.releaseLock(DEAD_LETTER_LOCK, owner);
  }
  return scan;
};

const scanQueues = async (
  deps: MarkDeadLettersDependencies,
  scan: { seen: Record<QueueName, number>; marked: number; cleared: number; unattributed: number },
): Promise<void> => {
  for (const queue of QUEUES) {
    const letters = await deps.deadLetters.peek(queue, deps.maxPerQueue ?? 100);
    scan.seen[queue] = letters.length;
    const done = new Set<string>();
    for (const letter of letters) {
      if (!letter.requestId) {
        scan.unattributed += 1;
        continue;
      }
      if (done.has(letter.requestId)) continue;
      done.add(letter.requestId);
      const record = await deps.store.get(letter.requestId);
      if (!record) {
        scan.unattributed += 1;
        continue;
      }
      const outcome = await settleMarker(record, letter, deps);
      if (outcome === 'marked') scan.marked += 1;
      if (outcome === 'cleared') scan.cleared += 1;
    }
  }
};

const settleMarker = async (
  record: RequestRecord,
  letter: DeadLetter,
  deps: MarkDeadLettersDependencies,
): Promise<'marked' | 'cleared' | 'unchanged'> => {
  const waiting = waitsOn(record, letter.queue);
  const at = deps.clock.now().toISOString();
  try {
    if (waiting && record.stuck?.queue !== letter.queue) {
      const stuck: StuckMarker = {
        queue: letter.queue,
        reason: letter.reason,
        messageId: letter.messageId,
        since: at,
      };
      await deps.store.update({
        requestId: record.requestId,
        expectedVersion: record.version,
        state: record.state,
        set: { stuck },
        at,
      });
      logger.warn('request stuck: its message is in a dead-letter queue', {
        requestId: record.requestId,
        queue: letter.queue,
        reason: letter.reason,
      });
      return 'marked';
    }
    if (!waiting && record.stuck?.queue === letter.queue) {
      await deps.store.update({
        requestId: record.requestId,
        expectedVersion: record.version,
        state: record.state,
        remove: ['stuck'],
        at,
      });
      return 'cleared';
    }
  } catch (error) {
    // The record changed under us: the next scan looks again.
    if (!(error instanceof ConcurrentUpdateError)) throw error;
  }
  return 'unchanged';
};
