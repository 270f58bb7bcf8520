/** The three work queues of the flow. */
export type QueueName = 'requests' | 'create' | 'notify';

export interface SendOptions {
  /** SQS DelaySeconds (0–900). */
  readonly delaySeconds?: number;
}

/**
 * Sending side of the queues (SQS in AWS and locally the SQS-compatible local server, both
 * through the real AWS SDK v3). Receiving is Lambda's event source mapping (or the local
 * stack's equivalent), which hands handlers an `SQSEvent`.
 */
export interface MessageQueue {
  send(queue: QueueName, body: unknown, options?: SendOptions): Promise<void>;
  sendBatch(queue: QueueName, bodies: readonly unknown[]): Promise<void>;
  /** Backoff through the queue: hide a received message for `seconds` before its next delivery. */
  delayRetry(queue: QueueName, receiptHandle: string, seconds: number): Promise<void>;
}
