import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { ReplicaFlowError, ValidationError } from '#shared/errors.ts';
import { logger } from '#shared/logger.ts';
import type { DeadLetterQueues } from '#shared/ports/dead-letter-queues.ts';
import type { MessageQueue, QueueName } from '#shared/ports/message-queue.ts';
import { backoffSeconds } from '#shared/util/backoff.ts';
import type * as z from '#shared/util/zod-mini.ts';

/** Thrown for a record that must come back later; its visibility was already extended. */
export class RetryLaterError extends ReplicaFlowError {
  constructor(messageId: string, seconds: number) {
    super('RETRY_LATER', `message ${messageId} retried in ${seconds} s`);
  }
}

/**
 * Thrown for a record that must reach the dead-letter queue while no dead-letter queue is configured:
 * it is made visible again at once and fails every delivery, so SQS moves it there after the queue's
 * maximum receives.
 */
export class DeadLetterPendingError extends ReplicaFlowError {
  constructor(messageId: string, reason: string) {
    super('DEAD_LETTER_PENDING', `message ${messageId} belongs in the dead-letter queue: ${reason}`);
  }
}

/** A processing outcome that sends the message to its dead-letter queue now, with the reason. */
export interface DeadLetterVerdict {
  readonly deadLetter: string;
}

export const deadLetter = (reason: string): DeadLetterVerdict => ({ deadLetter: reason });

/** A processing outcome that brings the message back after exactly this delay (the consumer chose it). */
export interface RetryVerdict {
  readonly retryInSeconds: number;
}

export const retryIn = (seconds: number): RetryVerdict => ({ retryInSeconds: seconds });

/** The dead-letter reason of a body that failed its schema (`parseQueueBody`'s error). */
export const malformedReason = (error: unknown): string =>
  `malformed message: ${error instanceof Error ? error.message : String(error)}`;

export interface SqsConsumer<Message> {
  readonly queueName: QueueName;
  readonly schema: z.ZodMiniType<Message>;
  readonly queue: MessageQueue;
  readonly backoff: { readonly baseSeconds: number; readonly maxSeconds: number };
  /** Where messages that retrying cannot help go at once; without it they fail until SQS moves them. */
  readonly deadLetters?: DeadLetterQueues;
  /** The delay before a retried message comes back; default exponential backoff with jitter. */
  readonly retryDelaySeconds?: (receiveCount: number, record: SQSRecord) => number;
  /**
   * Returns 'retry' when the message must come back after a backoff (or `retryIn(seconds)` for a delay
   * of its own choosing), a verdict when it must be dead-lettered.
   */
  readonly process: (
    message: Message,
    record: SQSRecord,
  ) => Promise<string | DeadLetterVerdict | RetryVerdict>;
}

/** Parses a queue body with its schema; a bad body throws a ValidationError naming the field. */
export const parseQueueBody = <Message>(schema: z.ZodMiniType<Message>, record: SQSRecord): Message => {
  let json: unknown;
  try {
    json = JSON.parse(record.body);
  } catch (error) {
    throw new ValidationError('message body is not JSON', [{ field: '(root)', message: 'not valid JSON' }], {
      cause: error,
    });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({
      field: issue.path.join('.') || '(root)',
      message: issue.message,
    }));
    throw new ValidationError(
      `message body is invalid: ${issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')}`,
      issues,
    );
  }
  return parsed.data;
};

/**
 * Processes an SQS batch record by record (Powertools Batch) and answers with partial batch
 * failures, so one bad record never re-drives its neighbours. A body that fails its schema, and a
 * record whose processing gives a dead-letter verdict, goes to the dead-letter queue with its reason
 * (never silently dropped): sent there at once when the consumer has `deadLetters`, otherwise made
 * visible again and failed until SQS moves it after the queue's maximum receives. A record that asks
 * to retry is hidden for an exponential backoff with jitter before it fails, so SQS redelivers it later.
 */
export const consumeSqsBatch = async <Message>(
  event: SQSEvent,
  context: Context,
  consumer: SqsConsumer<Message>,
): Promise<SQSBatchResponse> => {
  const processor = new BatchProcessor(EventType.SQS);
  return processPartialResponse(
    event,
    async (record: SQSRecord) => {
      let message: Message;
      try {
        message = parseQueueBody(consumer.schema, record);
      } catch (error) {
        logger.error('rejected a malformed queue message', {
          queue: consumer.queueName,
          messageId: record.messageId,
          error: error instanceof Error ? error.message : String(error),
        });
        return toDeadLetterQueue(consumer, record, malformedReason(error));
      }
      const outcome = await consumer.process(message, record);
      if (typeof outcome !== 'string' && 'deadLetter' in outcome) {
        return toDeadLetterQueue(consumer, record, outcome.deadLetter);
      }
      if (outcome === 'retry' || typeof outcome !== 'string') {
        const receiveCount = Number(record.attributes.ApproximateReceiveCount) || 1;
        const seconds =
          typeof outcome !== 'string'
            ? outcome.retryInSeconds
            : (consumer.retryDelaySeconds?.(receiveCount, record) ??
              backoffSeconds(receiveCount, consumer.backoff));
        await consumer.queue.delayRetry(consumer.queueName, record.receiptHandle, seconds);
        throw new RetryLaterError(record.messageId, seconds);
      }
      return outcome;
    },
    processor,
    { context, throwOnFullBatchFailure: false },
  );
};

/** Moves a record to its dead-letter queue now, or (with none configured) lets SQS move it after its receives. */
const toDeadLetterQueue = async <Message>(
  consumer: SqsConsumer<Message>,
  record: SQSRecord,
  reason: string,
): Promise<string> => {
  logger.warn('moving a message to the dead-letter queue', {
    queue: consumer.queueName,
    messageId: record.messageId,
    reason,
  });
  if (consumer.deadLetters) {
    await consumer.deadLetters.send(consumer.queueName, record.body, reason);
    return 'dead-lettered';
  }
  await consumer.queue.delayRetry(consumer.queueName, record.receiptHandle, 0);
  throw new DeadLetterPendingError(record.messageId, reason);
};
