import type { QueueName } from '#shared/ports/message-queue.ts';

/** A message in a work queue's dead-letter queue. */
export interface DeadLetter {
  readonly queue: QueueName;
  readonly messageId: string;
  readonly body: string;
  /** The request the message was about, when its body names one. */
  readonly requestId?: string;
  /** Why it is there: the reason replica-flow gave when it moved it, or its maximum receives used up. */
  readonly reason: string;
  /** When the message was first sent (ISO-8601), if known. */
  readonly sentAt?: string;
}

/** A move of a dead-letter queue's messages back to their work queue. */
export interface RedriveTask {
  readonly queue: QueueName;
  readonly taskHandle: string;
}

/**
 * The dead-letter queue of each work queue (SQS, or the local SQS server). Each holds the messages its
 * work queue gave up on: after the queue's maximum receives, or moved at once by a consumer that knows
 * retrying cannot help (a malformed body, a webhook whose retry window is over).
 */
export interface DeadLetterQueues {
  /** Puts a message in `queue`'s dead-letter queue now, with the reason; the caller then deletes the original. */
  send(queue: QueueName, body: string, reason: string): Promise<void>;
  /** Reads up to `max` dead letters without consuming them: they stay, visible again when the read ends. */
  peek(queue: QueueName, max?: number): Promise<DeadLetter[]>;
  /** About how many messages `queue`'s dead-letter queue holds. */
  depth(queue: QueueName): Promise<number>;
  /** Starts moving every message of `queue`'s dead-letter queue back to `queue` (SQS StartMessageMoveTask). */
  redrive(queue: QueueName): Promise<RedriveTask>;
  /** The move's status: `RUNNING`, `COMPLETED`, `CANCELLED` or `FAILED`, with the messages moved so far. */
  redriveStatus(task: RedriveTask): Promise<{ readonly status: string; readonly moved: number }>;
}
