import type { DeadLetter, DeadLetterQueues, RedriveTask } from '#shared/ports/dead-letter-queues.ts';
import type { QueueName } from '#shared/ports/message-queue.ts';

type MoveStatus = { readonly status: string; readonly moved: number };

/**
 * Dead-letter queues in memory for unit tests of the use cases: they hold the letters given, record
 * each peek (with its maximum) and each redrive, and answer a move's status from `statuses` (one per
 * call, the last repeated; by default COMPLETED with every letter of the queue moved). A redrive moves
 * nothing here: what it does to the real queues is the SQS adapter's test.
 */
export class HeldDeadLetters implements DeadLetterQueues {
  readonly letters: DeadLetter[];
  readonly peeks: { readonly queue: QueueName; readonly max: number | undefined }[] = [];
  readonly redrives: QueueName[] = [];
  readonly statusCalls: RedriveTask[] = [];
  /** Answered by `redriveStatus`, one per call; the last one repeats. */
  statuses: ((task: RedriveTask) => MoveStatus)[] = [];

  constructor(letters: readonly DeadLetter[] = []) {
    this.letters = [...letters];
  }

  async send(queue: QueueName, body: string, reason: string): Promise<void> {
    this.letters.push({ queue, messageId: `m-${this.letters.length}`, body, reason });
  }

  async peek(queue: QueueName, max?: number): Promise<DeadLetter[]> {
    this.peeks.push({ queue, max });
    return this.of(queue).slice(0, max ?? 100);
  }

  async depth(queue: QueueName): Promise<number> {
    return this.of(queue).length;
  }

  async redrive(queue: QueueName): Promise<RedriveTask> {
    this.redrives.push(queue);
    return { queue, taskHandle: `task-${this.redrives.length}` };
  }

  async redriveStatus(task: RedriveTask): Promise<MoveStatus> {
    this.statusCalls.push(task);
    const scripted = this.statuses[Math.min(this.statusCalls.length, this.statuses.length) - 1];
    return scripted ? scripted(task) : { status: 'COMPLETED', moved: this.of(task.queue).length };
  }

  private of(queue: QueueName): DeadLetter[] {
    return this.letters.filter((letter) => letter.queue === queue);
  }
}

/** A dead letter of `queue` naming `requestId` (none when undefined). */
export const deadLetter = (
  queue: QueueName,
  requestId: string | undefined,
  overrides: Partial<DeadLetter> = {},
): DeadLetter => ({
  queue,
  messageId: `m-${queue}-${requestId ?? 'none'}`,
  body: JSON.stringify(requestId ? { requestId } : {}),
  ...(requestId ? { requestId } : {}),
  reason: `gave up on ${queue}`,
  ...overrides,
});
