import {
  ChangeMessageVisibilityBatchCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { QueueError } from '#shared/adapters/queue/queue-error.ts';
import { toQueueError } from '#shared/adapters/queue/translate-sqs-error.ts';
import { ConfigError } from '#shared/errors.ts';
import type { DeadLetter, DeadLetterQueues, RedriveTask } from '#shared/ports/dead-letter-queues.ts';
import type { QueueName } from '#shared/ports/message-queue.ts';

export interface SqsDeadLetterQueuesOptions {
  /** Injectable client; by default one `SQSClient` from the SDK's own configuration. */
  readonly client?: SQSClient;
  /** Each work queue's URL and its dead-letter queue's URL. */
  readonly queues: Readonly<Record<QueueName, { readonly url: string; readonly deadLetterUrl: string }>>;
}

/** Message attribute carrying the reason a consumer gave when it moved a message itself. */
export const DEAD_LETTER_REASON_ATTRIBUTE = 'replica-flow-dead-letter-reason';

/** While a peek reads a dead-letter queue, what it read stays hidden this long at most (then reappears). */
const PEEK_HOLD_SECONDS = 20;
const DEFAULT_PEEK_MAX = 100;
const REASON_MAX_CHARS = 1000;

/**
 * The dead-letter queues on Amazon SQS (or the local SQS server) through the AWS SDK v3. A peek
 * receives with a short visibility hold (so one read sees each message once) and makes every message
 * visible again before it returns; a redrive is SQS's own StartMessageMoveTask back to the work queue.
 */
export class SqsDeadLetterQueues implements DeadLetterQueues {
  readonly #client: SQSClient;
  readonly #queues: SqsDeadLetterQueuesOptions['queues'];
  readonly #arns = new Map<string, Promise<string>>();

  constructor(options: SqsDeadLetterQueuesOptions) {
    for (const [queue, urls] of Object.entries(options.queues)) {
      if (!urls.url || !urls.deadLetterUrl) {
        throw new ConfigError(`The URLs of the ${queue} queue and of its dead-letter queue are both needed`);
      }
    }
    this.#client = options.client ?? new SQSClient({});
    this.#queues = options.queues;
  }

  async send(queue: QueueName, body: string, reason: string): Promise<void> {
    try {
      await this.#client.send(
        new SendMessageCommand({
          QueueUrl: this.#queues[queue].deadLetterUrl,
          MessageBody: body,
          MessageAttributes: {
            [DEAD_LETTER_REASON_ATTRIBUTE]: {
              DataType: 'String',
              StringValue: reason.slice(0, REASON_MAX_CHARS) || 'dead-lettered',
            },
          },
        }),
      );
    } catch (error) {
      throw toQueueError(error, queue, 'SendMessage');
    }
  }

  async peek(queue: QueueName, max = DEFAULT_PEEK_MAX): Promise<DeadLetter[]> {
    const url = this.#queues[queue].deadLetterUrl;
    const seen = new Map<string, DeadLetter>();
    const handles: string[] = [];
    try {
      while (seen.size < max) {
        const { Messages = [] } = await this.#client.send(
          new ReceiveMessageCommand({
            QueueUrl: url,
            MaxNumberOfMessages: Math.min(10, max - seen.size),
            VisibilityTimeout: PEEK_HOLD_SECONDS,
            WaitTimeSeconds: 0,
            MessageAttributeNames: ['All'],
            MessageSystemAttributeNames: ['All'],
          }),
        );
        const fresh = Messages.filter((message) => message.MessageId && !seen.has(message.MessageId));
        if (fresh.length === 0) break;
        for (const message of fresh) {
          if (message.ReceiptHandle) handles.push(message.ReceiptHandle);
          seen.set(message.MessageId as string, toDeadLetter(queue, message));
        }
      }
    } catch (error) {
      throw toQueueError(error, queue, 'ReceiveMessage');
    } finally {
      await this.#release(url, handles).catch(() => undefined);
    }
    return [...seen.values()];
  }

  async depth(queue: QueueName): Promise<number> {
    try {
      const { Attributes } = await this.#client.send(
        new GetQueueAttributesCommand({
          QueueUrl: this.#queues[queue].deadLetterUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return (
        Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
        Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
      );
    } catch (error) {
      throw toQueueError(error, queue, 'GetQueueAttributes');
    }
  }

  async redrive(queue: QueueName): Promise<RedriveTask> {
    const { url, deadLetterUrl } = this.#queues[queue];
    try {
      const { TaskHandle } = await this.#client.send(
        new StartMessageMoveTaskCommand({
          SourceArn: await this.#arnOf(deadLetterUrl),
          // Explicit: messages a consumer moved itself have no source SQS remembers.
          DestinationArn: await this.#arnOf(url),
        }),
      );
      if (!TaskHandle)
        throw new QueueError('QUEUE_FAILED', queue, 'StartMessageMoveTask gave no task handle');
      return { queue, taskHandle: TaskHandle };
    } catch (error) {
      if (error instanceof QueueError) throw error;
      throw toQueueError(error, queue, 'StartMessageMoveTask');
    }
  }

  async redriveStatus(task: RedriveTask): Promise<{ status: string; moved: number }> {
    try {
      const { Results = [] } = await this.#client.send(
        new ListMessageMoveTasksCommand({
          SourceArn: await this.#arnOf(this.#queues[task.queue].deadLetterUrl),
          MaxResults: 10,
        }),
      );
      const result = Results.find((entry) => entry.TaskHandle === task.taskHandle) ?? Results[0];
      return {
        status: result?.Status ?? 'UNKNOWN',
        moved: Number(result?.ApproximateNumberOfMessagesMoved ?? 0),
      };
    } catch (error) {
      throw toQueueError(error, task.queue, 'ListMessageMoveTasks');
    }
  }

  /** Makes what a peek held visible again (in batches of 10). */
  async #release(url: string, handles: readonly string[]): Promise<void> {
    for (let start = 0; start < handles.length; start += 10) {
      await this.#client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: url,
          Entries: handles.slice(start, start + 10).map((handle, index) => ({
            Id: String(start + index),
            ReceiptHandle: handle,
            VisibilityTimeout: 0,
          })),
        }),
      );
    }
  }

  #arnOf(url: string): Promise<string> {
    let arn = this.#arns.get(url);
    if (!arn) {
      arn = this.#client
        .send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))
        .then(({ Attributes }) => {
          if (!Attributes?.QueueArn) throw new ConfigError(`queue ${url} has no ARN`);
          return Attributes.QueueArn;
        });
      arn.catch(() => this.#arns.delete(url));
      this.#arns.set(url, arn);
    }
    return arn;
  }
}

const requestIdIn = (body: string): string | undefined => {
  try {
    const requestId = (JSON.parse(body) as { requestId?: unknown } | null)?.requestId;
    return typeof requestId === 'string' && /^r-[a-z0-9]{16}$/.test(requestId) ? requestId : undefined;
  } catch {
    return undefined;
  }
};

const toDeadLetter = (queue: QueueName, message: Message): DeadLetter => {
  const body = message.Body ?? '';
  const requestId = requestIdIn(body);
  const sent = Number(message.Attributes?.SentTimestamp);
  return {
    queue,
    messageId: message.MessageId ?? '',
    body,
    ...(requestId ? { requestId } : {}),
    reason:
      message.MessageAttributes?.[DEAD_LETTER_REASON_ATTRIBUTE]?.StringValue ??
      `used up the ${queue} queue's maximum receives`,
    ...(Number.isFinite(sent) && sent > 0 ? { sentAt: new Date(sent).toISOString() } : {}),
  };
};
