import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { z } from 'zod';
import { ReplicaFlowError, ValidationError } from '#shared/errors.ts';
import { logger } from '#shared/logger.ts';
import type { MessageQueue, QueueName } from '#shared/ports/message-queue.ts';
import { backoffSeconds } from '#shared/util/backoff.ts';

/** Thrown for a record that must come back later; its visibility was already extended. */
export class RetryLaterError extends ReplicaFlowError {
  constructor(messageId: string, seconds: number) {
    super('RETRY_LATER', `message ${messageId} retried in ${seconds} s`);
  }
}

export interface SqsConsumer<Message> {
  readonly queueName: QueueName;
  readonly schema: z.ZodType<Message>;
  readonly queue: MessageQueue;
  readonly backoff: { readonly baseSeconds: number; readonly maxSeconds: number };
  /** Returns 'retry' when the message must come back after a backoff. */
  readonly process: (message: Message, record: SQSRecord) => Promise<string>;
}

/** Parses a queue body with its schema; a bad body throws a ValidationError naming the field. */
export const parseQueueBody = <Message>(schema: z.ZodType<Message>, record: SQSRecord): Message => {
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
 * failures, so one bad record never re-drives its neighbours. A body that fails its schema is
 * reported as failed (it reaches the dead-letter queue after the queue's maximum receives; it is
 * never silently dropped). A record that asks to retry is hidden for an exponential backoff with
 * jitter before it fails, so SQS redelivers it later.
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
        throw error;
      }
      const outcome = await consumer.process(message, record);
      if (outcome === 'retry') {
        const receiveCount = Number(record.attributes.ApproximateReceiveCount) || 1;
        const seconds = backoffSeconds(receiveCount, consumer.backoff);
        await consumer.queue.delayRetry(consumer.queueName, record.receiptHandle, seconds);
        throw new RetryLaterError(record.messageId, seconds);
      }
      return outcome;
    },
    processor,
    { context, throwOnFullBatchFailure: false },
  );
};
