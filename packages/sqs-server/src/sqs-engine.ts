import { randomUUID } from 'node:crypto';
import { md5Hex } from '#sqs-server/message-md5.ts';
import {
  integerAttribute,
  isKnownQueueAttribute,
  normaliseQueueAttributes,
  ownValue,
  QUEUE_ATTRIBUTE_DEFAULTS,
  redrivePolicyOf,
} from '#sqs-server/queue-attributes.ts';
import { applyJournalEntry, type QueueState, type QueueStates } from '#sqs-server/queue-states.ts';
import { decodeReceiptHandle } from '#sqs-server/receipt-handle.ts';
import {
  invalidAddress,
  invalidAttributeName,
  invalidParameter,
  invalidParameterValue,
  messageNotInflight,
  queueDoesNotExist,
  queueNameExists,
  receiptHandleIsInvalid,
  serviceUnavailable,
} from '#sqs-server/sqs-service-error.ts';
import type { StateJournal } from '#sqs-server/state-journal.ts';
import type { JournalEntry, MessageAttributeMap, MessageRecord } from '#sqs-server/stored-state.ts';

export const ACCOUNT_ID = '000000000000';
const MAX_VISIBILITY_SECONDS = 43_200;
/** Upper bound of one long-poll nap, so a clock that jumps (tests) is noticed soon enough. */
const MAX_NAP_MS = 1_000;

export interface SqsEngineOptions {
  readonly region: string;
  /** `http://host:port`, known once the server listens. */
  readonly baseUrl: () => string;
  readonly now: () => number;
  readonly states?: QueueStates;
  readonly journal?: StateJournal;
}

export interface NewMessage {
  readonly body: string;
  readonly delaySeconds?: number;
  readonly messageAttributes?: MessageAttributeMap;
  readonly md5OfMessageAttributes?: string;
  readonly traceHeader?: string;
  readonly senderId: string;
}

/** Outcome of moving one message for a message-move task. */
export type RedriveStep =
  | { readonly kind: 'moved' }
  | { readonly kind: 'empty' }
  | { readonly kind: 'failed'; readonly reason: string };

const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;

/**
 * The queues and their semantics, independent of HTTP: visibility timeouts, redelivery with a
 * receive count, dead-letter moves on the receive after `maxReceiveCount`, retention, delays.
 * Every mutation goes through one journal entry, applied in memory and (with a data folder)
 * handed to the journal first; `durable()` tells when the journal has it on disk.
 */
export class SqsEngine {
  readonly region: string;
  readonly #options: SqsEngineOptions;
  readonly #states: QueueStates;
  readonly #waiters = new Map<string, Set<() => void>>();
  #closed = false;

  constructor(options: SqsEngineOptions) {
    this.#options = options;
    this.region = options.region;
    this.#states = options.states ?? new Map();
  }

  now(): number {
    return this.#options.now();
  }

  queueUrl(name: string): string {
    return `${this.#options.baseUrl()}/${ACCOUNT_ID}/${name}`;
  }

  queueArn(name: string): string {
    return `arn:aws:sqs:${this.region}:${ACCOUNT_ID}:${name}`;
  }

  resolveQueueUrl(queueUrl: string): QueueState {
    let pathname: string;
    try {
      pathname = new URL(queueUrl).pathname;
    } catch {
      throw invalidAddress(queueUrl);
    }
    const match = /^\/(\d{12})\/([^/]+)\/?$/.exec(pathname);
    const state = match?.[1] === ACCOUNT_ID && match[2] ? this.#states.get(match[2]) : undefined;
    if (!state) throw queueDoesNotExist();
    return state;
  }

  resolveQueueArn(arn: string): QueueState | undefined {
    const prefix = `arn:aws:sqs:${this.region}:${ACCOUNT_ID}:`;
    return arn.startsWith(prefix) ? this.#states.get(arn.slice(prefix.length)) : undefined;
  }

  queueByName(name: string): QueueState | undefined {
    return this.#states.get(name);
  }

  // ---- queues -------------------------------------------------------------------------------

  createQueue(
    name: string,
    attributes: Readonly<Record<string, string>>,
    tags: Readonly<Record<string, string>>,
  ) {
    if (name.endsWith('.fifo'))
      throw invalidParameterValue('FIFO queues are not supported by the local SQS server.');
    if (!QUEUE_NAME.test(name)) {
      throw invalidParameterValue(
        'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length',
      );
    }
    const normalised = normaliseQueueAttributes(attributes, this.#attributeContext(name), false);
    const existing = this.#states.get(name);
    if (existing) {
      for (const [attribute, value] of Object.entries(normalised)) {
        const current =
          ownValue(existing.record.attributes, attribute) ??
          ownValue(QUEUE_ATTRIBUTE_DEFAULTS, attribute) ??
          '';
        if (current !== value) {
          throw queueNameExists(
            `A queue already exists with the same name and a different value for attribute ${attribute}`,
          );
        }
      }
      return this.queueUrl(name);
    }
    const now = this.now();
    this.#commit({
      op: 'queue-put',
      queue: {
        name,
        createdAt: now,
        lastModifiedAt: now,
        attributes: { ...QUEUE_ATTRIBUTE_DEFAULTS, ...normalised },
        tags,
      },
    });
    return this.queueUrl(name);
  }

  listQueueNames(prefix = ''): string[] {
    return [...this.#states.keys()].filter((name) => name.startsWith(prefix)).sort();
  }

  deleteQueue(state: QueueState): void {
    this.#commit({ op: 'queue-delete', name: state.record.name });
    this.#wake(state.record.name);
  }

  purgeQueue(state: QueueState): void {
    this.#commit({ op: 'queue-purge', name: state.record.name });
  }

  setQueueAttributes(state: QueueState, attributes: Readonly<Record<string, string>>): void {
    const changes = normaliseQueueAttributes(attributes, this.#attributeContext(state.record.name), true);
    const merged: Record<string, string> = { ...state.record.attributes, ...changes };
    for (const [name, value] of Object.entries(merged)) if (value === '') delete merged[name];
    this.#commit({
      op: 'queue-put',
      queue: { ...state.record, attributes: merged, lastModifiedAt: this.now() },
    });
  }

  tagQueue(
    state: QueueState,
    tags: Readonly<Record<string, string>>,
    removeKeys: readonly string[] = [],
  ): void {
    const merged: Record<string, string> = { ...state.record.tags, ...tags };
    for (const key of removeKeys) delete merged[key];
    this.#commit({ op: 'queue-put', queue: { ...state.record, tags: merged } });
  }

  getQueueAttributes(state: QueueState, names: readonly string[]): Record<string, string> {
    for (const name of names) {
      if (name !== 'All' && !isKnownQueueAttribute(name))
        throw invalidAttributeName(`Unknown Attribute ${name}.`);
    }
    const now = this.now();
    this.#expire(state, now);
    let visible = 0;
    let inFlight = 0;
    let delayed = 0;
    for (const message of state.messages.values()) {
      if (message.visibleAt <= now) visible += 1;
      else if (message.receiveCount === 0) delayed += 1;
      else inFlight += 1;
    }
    const all: Record<string, string> = {
      ...state.record.attributes,
      QueueArn: this.queueArn(state.record.name),
      ApproximateNumberOfMessages: String(visible),
      ApproximateNumberOfMessagesNotVisible: String(inFlight),
      ApproximateNumberOfMessagesDelayed: String(delayed),
      CreatedTimestamp: String(Math.floor(state.record.createdAt / 1000)),
      LastModifiedTimestamp: String(Math.floor(state.record.lastModifiedAt / 1000)),
    };
    if (names.includes('All')) return all;
    return Object.fromEntries(
      names.flatMap((name) => {
        const value = ownValue(all, name);
        return value === undefined ? [] : [[name, value]];
      }),
    );
  }

  /** URLs of the queues whose redrive policy targets this queue. */
  deadLetterSourceQueueNames(state: QueueState): string[] {
    const arn = this.queueArn(state.record.name);
    return [...this.#states.values()]
      .filter((source) => redrivePolicyOf(source.record.attributes)?.deadLetterTargetArn === arn)
      .map((source) => source.record.name)
      .sort();
  }

  // ---- messages -----------------------------------------------------------------------------

  sendMessage(state: QueueState, message: NewMessage): MessageRecord {
    const now = this.now();
    const delaySeconds = message.delaySeconds ?? integerAttribute(state.record.attributes, 'DelaySeconds');
    const record: MessageRecord = {
      id: randomUUID(),
      body: message.body,
      md5OfBody: md5Hex(message.body),
      ...(message.messageAttributes && {
        messageAttributes: message.messageAttributes,
        md5OfMessageAttributes: message.md5OfMessageAttributes,
      }),
      ...(message.traceHeader !== undefined && { traceHeader: message.traceHeader }),
      senderId: message.senderId,
      sentAt: now,
      enqueuedAt: now,
      visibleAt: now + delaySeconds * 1000,
      receiveCount: 0,
    };
    this.#commit({ op: 'message-put', queue: state.record.name, message: record });
    if (delaySeconds === 0) this.#wake(state.record.name);
    return record;
  }

  /**
   * One receive pass, oldest first: drops expired messages, moves those already received
   * `maxReceiveCount` times to the dead-letter queue, and hides the delivered ones for the
   * visibility timeout under a fresh receipt handle.
   */
  receiveMessages(state: QueueState, maxMessages: number, visibilityTimeout?: number): MessageRecord[] {
    const now = this.now();
    const { attributes, name } = state.record;
    const hideForMs = (visibilityTimeout ?? integerAttribute(attributes, 'VisibilityTimeout')) * 1000;
    const retentionMs = integerAttribute(attributes, 'MessageRetentionPeriod') * 1000;
    const redrive = redrivePolicyOf(attributes);
    const deadLetterQueue = redrive && this.resolveQueueArn(redrive.deadLetterTargetArn);
    const delivered: MessageRecord[] = [];
    for (const message of state.messages.values()) {
      if (delivered.length >= maxMessages) break;
      if (message.enqueuedAt + retentionMs <= now) {
        this.#commit({ op: 'message-delete', queue: name, id: message.id });
        continue;
      }
      if (message.visibleAt > now) continue;
      if (redrive && deadLetterQueue && message.receiveCount >= redrive.maxReceiveCount) {
        this.#moveToDeadLetterQueue(state, message, deadLetterQueue, now);
        continue;
      }
      const received: MessageRecord = {
        ...message,
        receiveCount: message.receiveCount + 1,
        firstReceivedAt: message.firstReceivedAt ?? now,
        lastReceivedAt: now,
        visibleAt: now + hideForMs,
        receiptNonce: randomUUID(),
      };
      this.#commit({ op: 'message-put', queue: name, message: received });
      delivered.push(received);
    }
    return delivered;
  }

  /**
   * Deletes the message of a receipt handle. Like SQS, deleting an already deleted message
   * succeeds; a handle superseded by a later receive succeeds too but leaves the message to its
   * newer consumer.
   */
  deleteMessage(state: QueueState, receiptHandle: string): void {
    const parts = decodeReceiptHandle(receiptHandle);
    if (!parts || parts.queue !== state.record.name) throw receiptHandleIsInvalid(receiptHandle);
    const message = state.messages.get(parts.messageId);
    if (!message || message.receiptNonce !== parts.nonce) return;
    this.#commit({ op: 'message-delete', queue: state.record.name, id: message.id });
  }

  changeMessageVisibility(state: QueueState, receiptHandle: string, visibilityTimeout: number): void {
    if (
      !Number.isInteger(visibilityTimeout) ||
      visibilityTimeout < 0 ||
      visibilityTimeout > MAX_VISIBILITY_SECONDS
    ) {
      throw invalidParameter(
        'VisibilityTimeout',
        visibilityTimeout,
        'Must be between 0 and 43200, if provided.',
      );
    }
    const parts = decodeReceiptHandle(receiptHandle);
    if (!parts || parts.queue !== state.record.name) throw receiptHandleIsInvalid(receiptHandle);
    const message = state.messages.get(parts.messageId);
    if (!message || message.receiptNonce !== parts.nonce) {
      throw invalidParameter(
        'ReceiptHandle',
        receiptHandle,
        'Message does not exist or is not available for visibility timeout change.',
      );
    }
    const now = this.now();
    if (message.visibleAt <= now) throw messageNotInflight();
    if (now + visibilityTimeout * 1000 - (message.lastReceivedAt ?? now) > MAX_VISIBILITY_SECONDS * 1000) {
      throw invalidParameter(
        'VisibilityTimeout',
        visibilityTimeout,
        'Total VisibilityTimeout for the message is beyond the limit [43200 seconds]',
      );
    }
    this.#commit({
      op: 'message-put',
      queue: state.record.name,
      message: { ...message, visibleAt: now + visibilityTimeout * 1000 },
    });
    if (visibilityTimeout === 0) this.#wake(state.record.name);
  }

  /**
   * Moves the oldest available message of a dead-letter queue to `destinationArn`, or back to the
   * queue it came from. The moved message starts afresh: receive count 0, new retention period.
   */
  redriveOne(source: QueueState, destinationArn: string | undefined): RedriveStep {
    const now = this.now();
    this.#expire(source, now);
    const message = [...source.messages.values()].find((candidate) => candidate.visibleAt <= now);
    if (!message) return { kind: 'empty' };
    const targetArn = destinationArn ?? message.deadLetterSourceArn;
    if (!targetArn) return { kind: 'failed', reason: 'AWS.SimpleQueueService.NoDeadLetterQueueSource' };
    const target = this.resolveQueueArn(targetArn);
    if (!target) return { kind: 'failed', reason: 'AWS.SimpleQueueService.NonExistentQueue' };
    const {
      firstReceivedAt: _firstReceivedAt,
      lastReceivedAt: _lastReceivedAt,
      receiptNonce: _receiptNonce,
      deadLetterSourceArn: _deadLetterSourceArn,
      ...kept
    } = message;
    this.#commit({ op: 'message-delete', queue: source.record.name, id: message.id });
    this.#commit({
      op: 'message-put',
      queue: target.record.name,
      message: { ...kept, receiveCount: 0, enqueuedAt: now, visibleAt: now },
    });
    this.#wake(target.record.name);
    return { kind: 'moved' };
  }

  /** Number of messages a move task would take now. */
  availableCount(state: QueueState): number {
    const now = this.now();
    this.#expire(state, now);
    return [...state.messages.values()].filter((message) => message.visibleAt <= now).length;
  }

  // ---- long polling -------------------------------------------------------------------------

  /**
   * Resolves when something may be receivable from the queue: a message was sent or made visible,
   * the next delayed or in-flight message comes due, `untilMs` (real time) passes, or `signal` aborts.
   */
  waitForMessages(queueName: string, untilMs: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted || this.#closed) {
        resolve();
        return;
      }
      const state = this.#states.get(queueName);
      const dueIn = state ? this.#nextDueAt(state) - this.now() : Number.POSITIVE_INFINITY;
      const napMs = Math.max(0, Math.min(untilMs - Date.now(), dueIn, MAX_NAP_MS));
      let waiters = this.#waiters.get(queueName);
      if (!waiters) {
        waiters = new Set();
        this.#waiters.set(queueName, waiters);
      }
      const queueWaiters = waiters;
      const done = (): void => {
        clearTimeout(timer);
        queueWaiters.delete(done);
        if (queueWaiters.size === 0) this.#waiters.delete(queueName);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, napMs);
      queueWaiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /**
   * Resolves once every mutation made so far is on disk (at once without a data folder). The
   * server awaits it before it answers, so nothing it acknowledged is lost in a crash.
   */
  durable(): Promise<void> {
    return this.#options.journal?.durable() ?? Promise.resolve();
  }

  /** Refuses further mutations and wakes every long poll. */
  close(): void {
    this.#closed = true;
    for (const name of [...this.#waiters.keys()]) this.#wake(name);
  }

  // ---- internals ----------------------------------------------------------------------------

  #commit(entry: JournalEntry): void {
    if (this.#closed) throw serviceUnavailable();
    this.#options.journal?.append(entry);
    applyJournalEntry(this.#states, entry);
  }

  #wake(queueName: string): void {
    for (const waiter of [...(this.#waiters.get(queueName) ?? [])]) waiter();
  }

  #expire(state: QueueState, now: number): void {
    const retentionMs = integerAttribute(state.record.attributes, 'MessageRetentionPeriod') * 1000;
    for (const message of state.messages.values()) {
      if (message.enqueuedAt + retentionMs <= now) {
        this.#commit({ op: 'message-delete', queue: state.record.name, id: message.id });
      }
    }
  }

  #nextDueAt(state: QueueState): number {
    const now = this.now();
    let next = Number.POSITIVE_INFINITY;
    for (const message of state.messages.values()) {
      if (message.visibleAt > now) next = Math.min(next, message.visibleAt);
    }
    return next;
  }

  #moveToDeadLetterQueue(source: QueueState, message: MessageRecord, target: QueueState, now: number): void {
    const { receiptNonce: _receiptNonce, ...kept } = message;
    this.#commit({ op: 'message-delete', queue: source.record.name, id: message.id });
    this.#commit({
      op: 'message-put',
      queue: target.record.name,
      message: { ...kept, visibleAt: now, deadLetterSourceArn: this.queueArn(source.record.name) },
    });
    this.#wake(target.record.name);
  }

  #attributeContext(name: string) {
    return {
      selfArn: this.queueArn(name),
      queueExists: (arn: string) => this.resolveQueueArn(arn) !== undefined,
    };
  }
}
