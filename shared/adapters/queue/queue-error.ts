import { ReplicaFlowError } from '#shared/errors.ts';
import type { QueueName } from '#shared/ports/message-queue.ts';

export type QueueErrorCode =
  /** The queue URL points at no queue: a deployment or configuration fault. */
  | 'QUEUE_NOT_FOUND'
  /** SQS throttled the call after the SDK's own retries: retry later. */
  | 'QUEUE_THROTTLED'
  /** Network failure, a 5xx, or a corrupted answer (MD5 mismatch): retry later. */
  | 'QUEUE_UNAVAILABLE'
  /** The receipt handle is invalid, stale, or its message is no longer in flight. */
  | 'QUEUE_RECEIPT_INVALID'
  /** A body that cannot be serialised to JSON, or a value SQS cannot carry (delay, size). */
  | 'QUEUE_MESSAGE_INVALID'
  /** Some entries of a `sendBatch` were still not sent after one retry; see `QueueBatchSendError`. */
  | 'QUEUE_BATCH_INCOMPLETE'
  /** Anything else SQS refused. */
  | 'QUEUE_FAILED';

/** A queue failure; `retryable` says whether trying again can help. */
export class QueueError extends ReplicaFlowError {
  declare readonly code: QueueErrorCode;
  readonly queue: QueueName;
  readonly retryable: boolean;

  constructor(
    code: QueueErrorCode,
    queue: QueueName,
    message: string,
    options: { cause?: unknown; retryable?: boolean } = {},
  ) {
    super(code, message, { cause: options.cause });
    this.queue = queue;
    this.retryable = options.retryable ?? false;
  }
}

/** One body of a `sendBatch` call that was not sent. */
export interface UnsentEntry {
  /** Position of the body in the array given to `sendBatch`. */
  readonly index: number;
  /**
   * SQS's code for the entry or for the failed call (`InvalidMessageContents`, `QueueDoesNotExist`,
   * `BatchRequestTooLong`, …), or a `QueueErrorCode` when SQS never answered (network, timeout).
   */
  readonly errorCode: string;
  readonly message: string;
  /** True when SQS blames the request: sending it again unchanged will fail again. */
  readonly senderFault: boolean;
}

/**
 * `sendBatch` sent some bodies but not all. The others are listed (by index, never by content);
 * those not listed were accepted by SQS. Retryable when no unsent entry is a sender fault.
 */
export class QueueBatchSendError extends QueueError {
  readonly unsent: readonly UnsentEntry[];
  readonly sentCount: number;

  constructor(
    queue: QueueName,
    unsent: readonly UnsentEntry[],
    sentCount: number,
    options: { cause?: unknown } = {},
  ) {
    super(
      'QUEUE_BATCH_INCOMPLETE',
      queue,
      `${unsent.length} of ${unsent.length + sentCount} messages were not sent to the ${queue} queue ` +
        `(indexes ${unsent.map((entry) => entry.index).join(', ')}; ${summarise(unsent)})`,
      { ...options, retryable: unsent.every((entry) => !entry.senderFault) },
    );
    this.unsent = unsent;
    this.sentCount = sentCount;
  }
}

const summarise = (unsent: readonly UnsentEntry[]): string =>
  [...new Set(unsent.map((entry) => entry.errorCode))].join(', ');
