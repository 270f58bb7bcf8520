import type { MessageQueue, QueueName, SendOptions } from '#shared/ports/message-queue.ts';

/** One message given to the queue. */
export interface SentMessage {
  readonly queue: QueueName;
  readonly body: unknown;
}

/**
 * The one recording queue of the tests: sends nothing, records every message it was given (in
 * order, batches flattened), the delay asked for with each send, and every `delayRetry`.
 */
export class RecordingQueue implements MessageQueue {
  readonly sent: SentMessage[] = [];
  /** `delaySeconds` of each send that asked for one, by its index in `sent`. */
  readonly delays = new Map<number, number>();
  readonly retriesDelayed: {
    readonly queue: QueueName;
    readonly receiptHandle: string;
    readonly seconds: number;
  }[] = [];

  async send(queue: QueueName, body: unknown, options?: SendOptions): Promise<void> {
    if (options?.delaySeconds !== undefined) this.delays.set(this.sent.length, options.delaySeconds);
    this.sent.push({ queue, body });
  }

  async sendBatch(queue: QueueName, bodies: readonly unknown[]): Promise<void> {
    for (const body of bodies) this.sent.push({ queue, body });
  }

  async delayRetry(queue: QueueName, receiptHandle: string, seconds: number): Promise<void> {
    this.retriesDelayed.push({ queue, receiptHandle, seconds });
  }

  /** The bodies sent to `queue`, in order. */
  bodiesTo(queue: QueueName): unknown[] {
    return this.sent.filter((message) => message.queue === queue).map((message) => message.body);
  }
}
