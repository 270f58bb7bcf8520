/** JSON form of a message attribute value, as the SQS JSON protocol sends it (binary as base64). */
export interface MessageAttributeValueJson {
  readonly DataType: string;
  readonly StringValue?: string;
  readonly BinaryValue?: string;
}

export type MessageAttributeMap = Readonly<Record<string, MessageAttributeValueJson>>;

/** A queue as stored: its name, settable attributes (as SQS strings) and tags. */
export interface QueueRecord {
  readonly name: string;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  readonly lastModifiedAt: number;
  /** Settable attributes, normalised, with defaults filled in (`VisibilityTimeout: '30'`, …). */
  readonly attributes: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
}

/** A message as stored. Every change is a whole-record write, which keeps the journal idempotent. */
export interface MessageRecord {
  readonly id: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly messageAttributes?: MessageAttributeMap;
  readonly md5OfMessageAttributes?: string;
  readonly traceHeader?: string;
  readonly senderId: string;
  /** `SentTimestamp`, epoch ms. */
  readonly sentAt: number;
  /** Start of the retention period, epoch ms (kept when moved to a dead-letter queue, reset by a redrive). */
  readonly enqueuedAt: number;
  /** Not receivable before this time: the initial delay, then each visibility timeout. */
  readonly visibleAt: number;
  readonly receiveCount: number;
  readonly firstReceivedAt?: number;
  readonly lastReceivedAt?: number;
  /** Nonce of the current receipt handle; older handles of the same message are stale. */
  readonly receiptNonce?: string;
  /** ARN of the queue this message was moved from by a redrive policy. */
  readonly deadLetterSourceArn?: string;
}

/** One line of the journal. Replaying a suffix of the journal twice gives the same state. */
export type JournalEntry =
  | { readonly op: 'queue-put'; readonly queue: QueueRecord }
  | { readonly op: 'queue-delete'; readonly name: string }
  | { readonly op: 'queue-purge'; readonly name: string }
  | { readonly op: 'message-put'; readonly queue: string; readonly message: MessageRecord }
  | { readonly op: 'message-delete'; readonly queue: string; readonly id: string };

export interface StoredQueue {
  readonly queue: QueueRecord;
  readonly messages: readonly MessageRecord[];
}

export interface Snapshot {
  readonly version: 1;
  readonly queues: readonly StoredQueue[];
}
