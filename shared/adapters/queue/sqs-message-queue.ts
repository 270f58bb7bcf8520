import {
  ChangeMessageVisibilityCommand,
  SendMessageBatchCommand,
  type SendMessageBatchCommandOutput,
  type SendMessageBatchRequestEntry,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { coalescer, type ItemOutcome } from '#shared/adapters/call-coalescer.ts';
import { QueueBatchSendError, QueueError, type UnsentEntry } from '#shared/adapters/queue/queue-error.ts';
import { sqsErrorName, toQueueError } from '#shared/adapters/queue/translate-sqs-error.ts';
import { ConfigError } from '#shared/errors.ts';
import type { MessageQueue, QueueName, SendOptions } from '#shared/ports/message-queue.ts';

export interface SqsMessageQueueOptions {
  /** Injectable client; by default one `SQSClient` from the SDK's own configuration (region,
   * credentials, and `AWS_ENDPOINT_URL_SQS` for the local SQS server). */
  readonly client?: SQSClient;
  readonly queueUrls: Readonly<Record<QueueName, string>>;
}

/** SQS limits of one SendMessageBatch call. */
const MAX_BATCH_ENTRIES = 10;
const MAX_BATCH_BYTES = 262_144;
const MAX_DELAY_SECONDS = 900;
const MAX_VISIBILITY_SECONDS = 43_200;

interface PendingEntry {
  readonly index: number;
  readonly body: string;
  readonly delaySeconds?: number;
}

interface OneMessage {
  readonly body: string;
  readonly delaySeconds: number | undefined;
}

/** `MessageQueue` on Amazon SQS (or the local SQS-compatible server) through the AWS SDK v3. */
export class SqsMessageQueue implements MessageQueue {
  readonly #client: SQSClient;
  readonly #queueUrls: Readonly<Record<QueueName, string>>;
  /** Per queue, sends made in the same turn go out as one SendMessageBatch (`call-coalescer.ts`). */
  readonly #senders = new Map<QueueName, (message: OneMessage) => Promise<void>>();

  constructor(options: SqsMessageQueueOptions) {
    for (const [queue, url] of Object.entries(options.queueUrls)) {
      if (!url) throw new ConfigError(`The URL of the ${queue} queue is missing`);
    }
    this.#client = options.client ?? new SQSClient({});
    this.#queueUrls = options.queueUrls;
  }

  async send(queue: QueueName, body: unknown, options: SendOptions = {}): Promise<void> {
    const delaySeconds = options.delaySeconds;
    if (delaySeconds !== undefined && !isIntegerIn(delaySeconds, 0, MAX_DELAY_SECONDS)) {
      throw new QueueError('QUEUE_MESSAGE_INVALID', queue, `delaySeconds must be an integer from 0 to 900`);
    }
    const messageBody = serialise(queue, body);
    await this.#senderFor(queue)({ body: messageBody, delaySeconds });
  }

  #senderFor(queue: QueueName): (message: OneMessage) => Promise<void> {
    let sender = this.#senders.get(queue);
    if (!sender) {
      sender = coalescer<OneMessage, void>({
        maxItems: MAX_BATCH_ENTRIES,
        one: (message) => this.#sendOne(queue, message),
        many: (messages) => this.#sendMany(queue, messages),
      });
      this.#senders.set(queue, sender);
    }
    return sender;
  }

  async #sendOne(queue: QueueName, message: OneMessage): Promise<void> {
    try {
      await this.#client.send(
        new SendMessageCommand({
          QueueUrl: this.#queueUrls[queue],
          MessageBody: message.body,
          DelaySeconds: message.delaySeconds,
        }),
      );
    } catch (error) {
      throw toQueueError(error, queue, 'SendMessage');
    }
  }

  /** Coalesced sends: each fails alone, with the error SQS gave its entry or its call. */
  async #sendMany(queue: QueueName, messages: readonly OneMessage[]): Promise<ItemOutcome<void>[]> {
    const outcomes: ItemOutcome<void>[] = messages.map(() => ({ ok: true, value: undefined }));
    const chunks = chunkEntries(
      messages.map((message, index) => ({ index, body: message.body, delaySeconds: message.delaySeconds })),
    );
    await Promise.all(
      chunks.map(async (chunk) => {
        try {
          const result = await this.#client.send(
            new SendMessageBatchCommand({
              QueueUrl: this.#queueUrls[queue],
              Entries: chunk.map(toBatchEntry),
            }),
          );
          for (const failure of result.Failed ?? []) {
            const error = new QueueError(
              failure.SenderFault === true ? 'QUEUE_MESSAGE_INVALID' : 'QUEUE_UNAVAILABLE',
              queue,
              `SQS did not take the message (${failure.Code ?? 'Unknown'}: ${failure.Message ?? ''})`,
              { retryable: failure.SenderFault !== true },
            );
            outcomes[Number(failure.Id)] = { ok: false, error };
          }
        } catch (error) {
          const failure = toQueueError(error, queue, 'SendMessageBatch');
          for (const entry of chunk) outcomes[entry.index] = { ok: false, error: failure };
        }
      }),
    );
    return outcomes;
  }

  /**
   * Sends in SendMessageBatch calls of at most 10 entries and 256 KiB. Entries SQS reports as failed
   * are sent once more; whatever still fails is thrown as a `QueueBatchSendError` listing the
   * indexes not sent. A call refused for its content (e.g. one body too large) fails only its own
   * entries; any other failure of a whole call (queue missing, throttled, unreachable) stops the
   * batch, and its entries and all later ones are listed as not sent.
   */
  async sendBatch(queue: QueueName, bodies: readonly unknown[]): Promise<void> {
    const entries = bodies.map((body, index) => ({ index, body: serialise(queue, body) }));
    const first = await this.#sendChunks(queue, entries);
    if (first.stoppedBy) throw incomplete(queue, first.unsent, bodies.length, first.stoppedBy);
    if (first.unsent.length === 0) return;
    const failedIndexes = new Set(first.unsent.map((failure) => failure.index));
    const second = await this.#sendChunks(
      queue,
      entries.filter((entry) => failedIndexes.has(entry.index)),
    );
    if (second.unsent.length > 0) throw incomplete(queue, second.unsent, bodies.length, second.stoppedBy);
  }

  async delayRetry(queue: QueueName, receiptHandle: string, seconds: number): Promise<void> {
    if (!isIntegerIn(seconds, 0, MAX_VISIBILITY_SECONDS)) {
      throw new QueueError(
        'QUEUE_MESSAGE_INVALID',
        queue,
        `a retry delay must be an integer from 0 to 43200 seconds`,
      );
    }
    try {
      await this.#client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: this.#queueUrls[queue],
          ReceiptHandle: receiptHandle,
          VisibilityTimeout: seconds,
        }),
      );
    } catch (error) {
      throw toQueueError(error, queue, 'ChangeMessageVisibility');
    }
  }

  async #sendChunks(
    queue: QueueName,
    entries: readonly PendingEntry[],
  ): Promise<{ unsent: UnsentEntry[]; stoppedBy?: QueueError }> {
    const unsent: UnsentEntry[] = [];
    const chunks = chunkEntries(entries);
    for (const [position, chunk] of chunks.entries()) {
      let result: SendMessageBatchCommandOutput;
      try {
        result = await this.#client.send(
          new SendMessageBatchCommand({ QueueUrl: this.#queueUrls[queue], Entries: chunk.map(toBatchEntry) }),
        );
      } catch (error) {
        const failure = toQueueError(error, queue, 'SendMessageBatch');
        const reason = {
          errorCode: sqsErrorName(error) ?? failure.code,
          message: failure.message,
          senderFault: !failure.retryable,
        };
        if (failure.code === 'QUEUE_MESSAGE_INVALID') {
          for (const entry of chunk) unsent.push({ index: entry.index, ...reason });
          continue;
        }
        for (const entry of chunks.slice(position).flat()) unsent.push({ index: entry.index, ...reason });
        return { unsent, stoppedBy: failure };
      }
      for (const failure of result.Failed ?? []) {
        unsent.push({
          index: Number(failure.Id),
          errorCode: failure.Code ?? 'Unknown',
          message: failure.Message ?? '',
          senderFault: failure.SenderFault === true,
        });
      }
    }
    return { unsent };
  }
}

const incomplete = (
  queue: QueueName,
  unsent: readonly UnsentEntry[],
  total: number,
  cause: QueueError | undefined,
): QueueBatchSendError =>
  new QueueBatchSendError(queue, unsent, total - unsent.length, cause ? { cause } : {});

const toBatchEntry = (entry: PendingEntry): SendMessageBatchRequestEntry => ({
  Id: String(entry.index),
  MessageBody: entry.body,
  ...(entry.delaySeconds === undefined ? {} : { DelaySeconds: entry.delaySeconds }),
});

/** Splits entries into SendMessageBatch calls within SQS's count and size limits. */
const chunkEntries = (entries: readonly PendingEntry[]): PendingEntry[][] => {
  const chunks: PendingEntry[][] = [];
  let current: PendingEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = Buffer.byteLength(entry.body, 'utf8');
    if (current.length === MAX_BATCH_ENTRIES || (current.length > 0 && bytes + size > MAX_BATCH_BYTES)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
};

const serialise = (queue: QueueName, body: unknown): string => {
  let json: string | undefined;
  try {
    json = JSON.stringify(body);
  } catch (error) {
    throw new QueueError('QUEUE_MESSAGE_INVALID', queue, 'a message body could not be serialised to JSON', {
      cause: error,
    });
  }
  if (json === undefined)
    throw new QueueError('QUEUE_MESSAGE_INVALID', queue, 'a message body must be a JSON value');
  return json;
};

const isIntegerIn = (value: number, min: number, max: number): boolean =>
  Number.isInteger(value) && value >= min && value <= max;
