import {
  type ActionInput,
  type ActionName,
  isActionName,
  parseActionInput,
} from '#sqs-server/action-inputs.ts';
import { md5OfMessageAttributes } from '#sqs-server/message-md5.ts';
import type { MessageMoveTasks } from '#sqs-server/message-move-tasks.ts';
import { validateMessage } from '#sqs-server/message-validation.ts';
import { integerAttribute } from '#sqs-server/queue-attributes.ts';
import { encodeReceiptHandle } from '#sqs-server/receipt-handle.ts';
import { ACCOUNT_ID, type SqsEngine } from '#sqs-server/sqs-engine.ts';
import {
  batchEntryIdsNotDistinct,
  batchRequestTooLong,
  emptyBatchRequest,
  invalidAction,
  invalidBatchEntryId,
  invalidParameter,
  invalidParameterValue,
  queueDoesNotExist,
  SqsServiceError,
  tooManyEntriesInBatchRequest,
} from '#sqs-server/sqs-service-error.ts';
import type { MessageAttributeMap, MessageRecord } from '#sqs-server/stored-state.ts';

export interface ActionServices {
  readonly engine: SqsEngine;
  readonly moveTasks: MessageMoveTasks;
}

export interface ActionContext {
  /** Access key id of the caller, reported as the messages' `SenderId`. */
  readonly senderId: string;
  /** Aborts when the client hangs up or the server closes: ends a long poll early. */
  readonly signal: AbortSignal;
}

type ActionHandler<A extends ActionName> = (
  services: ActionServices,
  input: ActionInput<A>,
  context: ActionContext,
) => object | Promise<object>;

/** Runs one SQS action; throws `SqsServiceError` for anything SQS would refuse. */
export const runAction = (
  services: ActionServices,
  action: string,
  body: unknown,
  context: ActionContext,
): Promise<object> | object => {
  if (!isActionName(action)) throw invalidAction(action);
  return runTyped(action, services, body, context);
};

const runTyped = <A extends ActionName>(
  action: A,
  services: ActionServices,
  body: unknown,
  context: ActionContext,
) => {
  const handler: ActionHandler<A> = handlers[action];
  return handler(services, parseActionInput(action, body), context);
};

const SYSTEM_ATTRIBUTE_NAMES = [
  'ApproximateReceiveCount',
  'ApproximateFirstReceiveTimestamp',
  'SentTimestamp',
  'SenderId',
  'AWSTraceHeader',
  'DeadLetterQueueSourceArn',
] as const;

const BATCH_ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;
const MIN_BATCH_PAYLOAD = 262_144;

const handlers: { readonly [A in ActionName]: ActionHandler<A> } = {
  CreateQueue: ({ engine }, input) => ({
    QueueUrl: engine.createQueue(input.QueueName, input.Attributes ?? {}, input.tags ?? {}),
  }),

  GetQueueUrl: ({ engine }, input) => {
    const owner = input.QueueOwnerAWSAccountId;
    if ((owner !== undefined && owner !== ACCOUNT_ID) || !engine.queueByName(input.QueueName)) {
      throw queueDoesNotExist();
    }
    return { QueueUrl: engine.queueUrl(input.QueueName) };
  },

  ListQueues: ({ engine }, input) => {
    const page = paginate(engine.listQueueNames(input.QueueNamePrefix), input.MaxResults, input.NextToken);
    return { QueueUrls: page.items.map((name) => engine.queueUrl(name)), NextToken: page.nextToken };
  },

  DeleteQueue: ({ engine }, input) => {
    engine.deleteQueue(engine.resolveQueueUrl(input.QueueUrl));
    return {};
  },

  PurgeQueue: ({ engine }, input) => {
    engine.purgeQueue(engine.resolveQueueUrl(input.QueueUrl));
    return {};
  },

  GetQueueAttributes: ({ engine }, input) => ({
    Attributes: engine.getQueueAttributes(engine.resolveQueueUrl(input.QueueUrl), input.AttributeNames ?? []),
  }),

  SetQueueAttributes: ({ engine }, input) => {
    engine.setQueueAttributes(engine.resolveQueueUrl(input.QueueUrl), input.Attributes);
    return {};
  },

  TagQueue: ({ engine }, input) => {
    engine.tagQueue(engine.resolveQueueUrl(input.QueueUrl), input.Tags);
    return {};
  },

  UntagQueue: ({ engine }, input) => {
    engine.tagQueue(engine.resolveQueueUrl(input.QueueUrl), {}, input.TagKeys);
    return {};
  },

  ListQueueTags: ({ engine }, input) => ({ Tags: engine.resolveQueueUrl(input.QueueUrl).record.tags }),

  ListDeadLetterSourceQueues: ({ engine }, input) => {
    const names = engine.deadLetterSourceQueueNames(engine.resolveQueueUrl(input.QueueUrl));
    const page = paginate(names, input.MaxResults, input.NextToken);
    return { queueUrls: page.items.map((name) => engine.queueUrl(name)), NextToken: page.nextToken };
  },

  SendMessage: ({ engine }, input, { senderId }) => {
    const state = engine.resolveQueueUrl(input.QueueUrl);
    const validated = validateMessage(input, integerAttribute(state.record.attributes, 'MaximumMessageSize'));
    const sent = engine.sendMessage(state, { ...validated.message, senderId });
    return {
      MessageId: sent.id,
      MD5OfMessageBody: sent.md5OfBody,
      MD5OfMessageAttributes: sent.md5OfMessageAttributes,
      MD5OfMessageSystemAttributes: validated.md5OfMessageSystemAttributes,
    };
  },

  SendMessageBatch: ({ engine }, input, { senderId }) => {
    const state = engine.resolveQueueUrl(input.QueueUrl);
    checkBatchEntries(input.Entries);
    const maximumMessageSize = integerAttribute(state.record.attributes, 'MaximumMessageSize');
    const payloadLimit = Math.max(MIN_BATCH_PAYLOAD, maximumMessageSize);
    const validated = input.Entries.map((entry) => {
      try {
        return validateMessage(entry, maximumMessageSize);
      } catch (error) {
        if (error instanceof SqsServiceError) return error;
        throw error;
      }
    });
    const payload = validated.reduce(
      (total, result, index) =>
        total +
        (result instanceof SqsServiceError
          ? Buffer.byteLength(input.Entries[index]?.MessageBody ?? '', 'utf8')
          : result.size),
      0,
    );
    if (payload > payloadLimit) throw batchRequestTooLong(payloadLimit);
    return runBatch(input.Entries, (_entry, index) => {
      const result = validated[index];
      if (result === undefined || result instanceof SqsServiceError)
        throw result ?? invalidParameterValue('Invalid entry');
      const sent = engine.sendMessage(state, { ...result.message, senderId });
      return {
        MessageId: sent.id,
        MD5OfMessageBody: sent.md5OfBody,
        MD5OfMessageAttributes: sent.md5OfMessageAttributes,
        MD5OfMessageSystemAttributes: result.md5OfMessageSystemAttributes,
      };
    });
  },

  ReceiveMessage: async ({ engine }, input, { signal }) => {
    const state = engine.resolveQueueUrl(input.QueueUrl);
    const maxMessages = input.MaxNumberOfMessages ?? 1;
    if (maxMessages < 1 || maxMessages > 10) {
      throw invalidParameter('MaxNumberOfMessages', maxMessages, 'Must be between 1 and 10, if provided.');
    }
    const visibilityTimeout = input.VisibilityTimeout;
    if (visibilityTimeout !== undefined && (visibilityTimeout < 0 || visibilityTimeout > 43_200)) {
      throw invalidParameter(
        'VisibilityTimeout',
        visibilityTimeout,
        'Must be between 0 and 43200, if provided.',
      );
    }
    const waitSeconds =
      input.WaitTimeSeconds ?? integerAttribute(state.record.attributes, 'ReceiveMessageWaitTimeSeconds');
    if (waitSeconds < 0 || waitSeconds > 20) {
      throw invalidParameter('WaitTimeSeconds', waitSeconds, 'Must be >= 0 and <= 20, if provided.');
    }
    const systemNames = new Set([
      ...(input.AttributeNames ?? []),
      ...(input.MessageSystemAttributeNames ?? []),
    ]);
    const render = (message: MessageRecord) =>
      renderMessage(state.record.name, message, systemNames, input.MessageAttributeNames ?? []);
    const name = state.record.name;
    const deadline = Date.now() + waitSeconds * 1000;
    for (;;) {
      if (signal.aborted) return {};
      const current = engine.queueByName(name);
      if (!current) throw queueDoesNotExist();
      const delivered = engine.receiveMessages(current, maxMessages, visibilityTimeout);
      if (delivered.length > 0) return { Messages: delivered.map(render) };
      if (Date.now() >= deadline) return {};
      await engine.waitForMessages(name, deadline, signal);
    }
  },

  DeleteMessage: ({ engine }, input) => {
    engine.deleteMessage(engine.resolveQueueUrl(input.QueueUrl), input.ReceiptHandle);
    return {};
  },

  DeleteMessageBatch: ({ engine }, input) => {
    const state = engine.resolveQueueUrl(input.QueueUrl);
    checkBatchEntries(input.Entries);
    return runBatch(input.Entries, (entry) => {
      engine.deleteMessage(state, entry.ReceiptHandle);
      return {};
    });
  },

  ChangeMessageVisibility: ({ engine }, input) => {
    engine.changeMessageVisibility(
      engine.resolveQueueUrl(input.QueueUrl),
      input.ReceiptHandle,
      input.VisibilityTimeout,
    );
    return {};
  },

  ChangeMessageVisibilityBatch: ({ engine }, input) => {
    const state = engine.resolveQueueUrl(input.QueueUrl);
    checkBatchEntries(input.Entries);
    return runBatch(input.Entries, (entry) => {
      engine.changeMessageVisibility(state, entry.ReceiptHandle, entry.VisibilityTimeout ?? 0);
      return {};
    });
  },

  StartMessageMoveTask: ({ moveTasks }, input) => ({
    TaskHandle: moveTasks.start(input.SourceArn, input.DestinationArn, input.MaxNumberOfMessagesPerSecond),
  }),

  ListMessageMoveTasks: ({ moveTasks }, input) => {
    const maxResults = input.MaxResults ?? 1;
    if (maxResults < 1 || maxResults > 10) {
      throw invalidParameter('MaxResults', maxResults, 'Must be between 1 and 10, if provided.');
    }
    return { Results: moveTasks.list(input.SourceArn, maxResults) };
  },

  CancelMessageMoveTask: ({ moveTasks }, input) => ({
    ApproximateNumberOfMessagesMoved: moveTasks.cancel(input.TaskHandle),
  }),
};

const renderMessage = (
  queueName: string,
  message: MessageRecord,
  systemNames: ReadonlySet<string>,
  attributeNames: readonly string[],
) => {
  const system: Record<string, string | undefined> = {
    ApproximateReceiveCount: String(message.receiveCount),
    ApproximateFirstReceiveTimestamp: String(
      message.firstReceivedAt ?? message.lastReceivedAt ?? message.sentAt,
    ),
    SentTimestamp: String(message.sentAt),
    SenderId: message.senderId,
    AWSTraceHeader: message.traceHeader,
    DeadLetterQueueSourceArn: message.deadLetterSourceArn,
  };
  const attributes = Object.fromEntries(
    SYSTEM_ATTRIBUTE_NAMES.flatMap((name) => {
      const value = system[name];
      return value !== undefined && (systemNames.has('All') || systemNames.has(name)) ? [[name, value]] : [];
    }),
  );
  const messageAttributes = selectMessageAttributes(message.messageAttributes, attributeNames);
  const hasMessageAttributes = Object.keys(messageAttributes).length > 0;
  return {
    MessageId: message.id,
    ReceiptHandle: encodeReceiptHandle({
      queue: queueName,
      messageId: message.id,
      nonce: message.receiptNonce ?? '',
    }),
    MD5OfBody: message.md5OfBody,
    Body: message.body,
    ...(Object.keys(attributes).length > 0 && { Attributes: attributes }),
    ...(hasMessageAttributes && {
      MessageAttributes: messageAttributes,
      MD5OfMessageAttributes: md5OfMessageAttributes(messageAttributes),
    }),
  };
};

const selectMessageAttributes = (
  attributes: MessageAttributeMap | undefined,
  requested: readonly string[],
): MessageAttributeMap => {
  if (!attributes || requested.length === 0) return {};
  const wanted = (name: string) =>
    requested.some(
      (pattern) =>
        pattern === 'All' ||
        pattern === '.*' ||
        pattern === name ||
        (pattern.endsWith('.*') && name.startsWith(pattern.slice(0, -1))),
    );
  return Object.fromEntries(Object.entries(attributes).filter(([name]) => wanted(name)));
};

const checkBatchEntries = (entries: readonly { readonly Id: string }[]): void => {
  if (entries.length === 0) throw emptyBatchRequest();
  if (entries.length > 10) throw tooManyEntriesInBatchRequest(entries.length);
  const seen = new Set<string>();
  for (const { Id } of entries) {
    if (!BATCH_ENTRY_ID.test(Id)) throw invalidBatchEntryId();
    if (seen.has(Id)) throw batchEntryIdsNotDistinct(Id);
    seen.add(Id);
  }
};

/** Applies `action` to each entry; an entry SQS refuses lands in `Failed`, the others in `Successful`. */
const runBatch = <E extends { readonly Id: string }>(
  entries: readonly E[],
  action: (entry: E, index: number) => object,
) => {
  const Successful: object[] = [];
  const Failed: object[] = [];
  entries.forEach((entry, index) => {
    try {
      Successful.push({ Id: entry.Id, ...action(entry, index) });
    } catch (error) {
      if (!(error instanceof SqsServiceError)) throw error;
      Failed.push({
        Id: entry.Id,
        SenderFault: error.fault === 'Sender',
        Code: error.batchCode,
        Message: error.message,
      });
    }
  });
  return { Successful, Failed };
};

const paginate = (
  items: readonly string[],
  maxResults: number | undefined,
  nextToken: string | undefined,
) => {
  if (maxResults !== undefined && (maxResults < 1 || maxResults > 1000)) {
    throw invalidParameter('MaxResults', maxResults, 'Must be between 1 and 1000, if provided.');
  }
  let start = 0;
  if (nextToken !== undefined) {
    start = Number(Buffer.from(nextToken, 'base64url').toString('utf8'));
    if (!Number.isInteger(start) || start < 0) throw invalidParameterValue('Invalid NextToken value.');
  }
  if (maxResults === undefined) return { items: items.slice(0, 1000), nextToken: undefined };
  const end = start + maxResults;
  return {
    items: items.slice(start, end),
    nextToken: end < items.length ? Buffer.from(String(end), 'utf8').toString('base64url') : undefined,
  };
};
