import { randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { QueueName } from '#shared/ports/message-queue.ts';
import { RecordingQueue } from '#test/support/recording-queue.ts';

export interface QueuedMessage {
  readonly messageId: string;
  readonly body: string;
  visibleAt: number;
  receives: number;
  firstReceivedAt?: number;
  receiptHandle?: string;
}

/**
 * SQS semantics on a virtual clock, for tests that run many minutes of retries in milliseconds:
 * messages become visible at `visibleAt`, a receive hides them for the visibility timeout and counts
 * the receive, `delayRetry` (ChangeMessageVisibility) re-hides a received message, and a message the
 * handler did not report as failed is deleted. `onSent` lets a test consume a message the moment it
 * is sent (a consumer racing the sender), `lose` drops sends (a crash after the write, before the send).
 */
export class SimulatedQueue extends RecordingQueue {
  readonly queues = new Map<QueueName, QueuedMessage[]>();
  lose: (queue: QueueName, body: unknown) => boolean = () => false;
  onSent: (queue: QueueName, message: QueuedMessage) => void = () => undefined;

  constructor(
    private readonly now: () => number,
    private readonly visibilityTimeoutMs = 30_000,
  ) {
    super();
  }

  /** Records the body in `sent` (lost ones included), then queues it unless `lose` drops it. */
  override async send(queue: QueueName, body: unknown): Promise<void> {
    await super.send(queue, body);
    if (this.lose(queue, body)) return;
    const message: QueuedMessage = {
      messageId: randomUUID(),
      body: JSON.stringify(body),
      visibleAt: this.now(),
      receives: 0,
    };
    this.messagesOf(queue).push(message);
    this.onSent(queue, message);
  }

  override async sendBatch(queue: QueueName, bodies: readonly unknown[]): Promise<void> {
    for (const body of bodies) await this.send(queue, body);
  }

  override async delayRetry(queue: QueueName, receiptHandle: string, seconds: number): Promise<void> {
    await super.delayRetry(queue, receiptHandle, seconds);
    const message = this.messagesOf(queue).find((candidate) => candidate.receiptHandle === receiptHandle);
    if (message) message.visibleAt = this.now() + seconds * 1000;
  }

  /** At-least-once delivery: a second copy of `message`, visible now (its own id and receives). */
  duplicate(queue: QueueName, message: QueuedMessage): void {
    this.messagesOf(queue).push({
      messageId: randomUUID(),
      body: message.body,
      visibleAt: this.now(),
      receives: 0,
    });
  }

  /** The messages visible now, each received (hidden for the visibility timeout). */
  receiveVisible(queue: QueueName): QueuedMessage[] {
    return this.messagesOf(queue)
      .filter((message) => message.visibleAt <= this.now())
      .map((message) => this.receive(message));
  }

  receive(message: QueuedMessage): QueuedMessage {
    message.receives += 1;
    message.firstReceivedAt ??= this.now();
    message.receiptHandle = randomUUID();
    message.visibleAt = this.now() + this.visibilityTimeoutMs;
    return message;
  }

  /** The SQS event of one received message. */
  eventOf(message: QueuedMessage, arn: string): SQSEvent {
    return { Records: [this.recordOf(message, arn)] };
  }

  /** Deletes what the handler processed: every record not reported in `batchItemFailures`. */
  settle(queue: QueueName, event: SQSEvent, response: SQSBatchResponse | undefined): void {
    const failed = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    const done = new Set(
      event.Records.filter((record) => !failed.has(record.messageId)).map((record) => record.receiptHandle),
    );
    this.queues.set(
      queue,
      this.messagesOf(queue).filter((message) => !done.has(message.receiptHandle ?? '')),
    );
  }

  depth(queue: QueueName): number {
    return this.messagesOf(queue).length;
  }

  private recordOf(message: QueuedMessage, arn: string): SQSRecord {
    return {
      messageId: message.messageId,
      receiptHandle: message.receiptHandle ?? '',
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receives),
        SentTimestamp: String(this.now()),
        SenderId: 'simulated',
        ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? this.now()),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: arn,
      awsRegion: 'ap-southeast-1',
    };
  }

  private messagesOf(queue: QueueName): QueuedMessage[] {
    let messages = this.queues.get(queue);
    if (!messages) {
      messages = [];
      this.queues.set(queue, messages);
    }
    return messages;
  }
}
