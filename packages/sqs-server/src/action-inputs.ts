import * as z from 'zod';
import { missingParameter, serializationException } from '#sqs-server/sqs-service-error.ts';

const stringMap = z.record(z.string(), z.string());
const integer = z.number().int();

const attributeValue = z.object({
  DataType: z.string(),
  StringValue: z.string().optional(),
  BinaryValue: z.string().optional(),
  StringListValues: z.array(z.string()).optional(),
  BinaryListValues: z.array(z.string()).optional(),
});

const messageFields = {
  MessageBody: z.string(),
  DelaySeconds: integer.optional(),
  MessageAttributes: z.record(z.string(), attributeValue).optional(),
  MessageSystemAttributes: z.record(z.string(), attributeValue).optional(),
  MessageDeduplicationId: z.string().optional(),
  MessageGroupId: z.string().optional(),
};

const queueUrl = { QueueUrl: z.string() };
const batchEntryId = { Id: z.string() };

/** Request shapes of the SQS JSON protocol, one per action (member names as AWS spells them). */
export const actionInputs = {
  CreateQueue: z.object({
    QueueName: z.string(),
    Attributes: stringMap.optional(),
    tags: stringMap.optional(),
  }),
  GetQueueUrl: z.object({ QueueName: z.string(), QueueOwnerAWSAccountId: z.string().optional() }),
  ListQueues: z.object({
    QueueNamePrefix: z.string().optional(),
    NextToken: z.string().optional(),
    MaxResults: integer.optional(),
  }),
  DeleteQueue: z.object(queueUrl),
  PurgeQueue: z.object(queueUrl),
  GetQueueAttributes: z.object({ ...queueUrl, AttributeNames: z.array(z.string()).optional() }),
  SetQueueAttributes: z.object({ ...queueUrl, Attributes: stringMap }),
  TagQueue: z.object({ ...queueUrl, Tags: stringMap }),
  UntagQueue: z.object({ ...queueUrl, TagKeys: z.array(z.string()) }),
  ListQueueTags: z.object(queueUrl),
  ListDeadLetterSourceQueues: z.object({
    ...queueUrl,
    NextToken: z.string().optional(),
    MaxResults: integer.optional(),
  }),
  SendMessage: z.object({ ...queueUrl, ...messageFields }),
  SendMessageBatch: z.object({
    ...queueUrl,
    Entries: z.array(z.object({ ...batchEntryId, ...messageFields, MessageBody: z.string().optional() })),
  }),
  ReceiveMessage: z.object({
    ...queueUrl,
    AttributeNames: z.array(z.string()).optional(),
    MessageSystemAttributeNames: z.array(z.string()).optional(),
    MessageAttributeNames: z.array(z.string()).optional(),
    MaxNumberOfMessages: integer.optional(),
    VisibilityTimeout: integer.optional(),
    WaitTimeSeconds: integer.optional(),
    ReceiveRequestAttemptId: z.string().optional(),
  }),
  DeleteMessage: z.object({ ...queueUrl, ReceiptHandle: z.string() }),
  DeleteMessageBatch: z.object({
    ...queueUrl,
    Entries: z.array(z.object({ ...batchEntryId, ReceiptHandle: z.string() })),
  }),
  ChangeMessageVisibility: z.object({ ...queueUrl, ReceiptHandle: z.string(), VisibilityTimeout: integer }),
  ChangeMessageVisibilityBatch: z.object({
    ...queueUrl,
    Entries: z.array(
      z.object({ ...batchEntryId, ReceiptHandle: z.string(), VisibilityTimeout: integer.optional() }),
    ),
  }),
  StartMessageMoveTask: z.object({
    SourceArn: z.string(),
    DestinationArn: z.string().optional(),
    MaxNumberOfMessagesPerSecond: integer.optional(),
  }),
  ListMessageMoveTasks: z.object({ SourceArn: z.string(), MaxResults: integer.optional() }),
  CancelMessageMoveTask: z.object({ TaskHandle: z.string() }),
} as const;

export type ActionName = keyof typeof actionInputs;
export type ActionInput<A extends ActionName> = z.infer<(typeof actionInputs)[A]>;

export const isActionName = (name: string): name is ActionName => Object.hasOwn(actionInputs, name);

/**
 * Parses a request body against its action's shape: a missing required member is
 * `MissingParameter`, a member of the wrong JSON type is a `SerializationException`, as AWS answers.
 */
export const parseActionInput = <A extends ActionName>(action: A, body: unknown): ActionInput<A> => {
  const result = actionInputs[action].safeParse(body);
  if (result.success) return result.data as ActionInput<A>;
  const issue = result.error.issues[0];
  const path = issue?.path ?? [];
  const field = path.map(String).join('.') || '(root)';
  if (issue?.code === 'invalid_type' && valueAt(body, path) === undefined) throw missingParameter(field);
  throw serializationException(`Invalid value for ${field}: ${issue?.message ?? 'malformed request'}`);
};

const valueAt = (value: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>(
    (current, key) =>
      typeof current === 'object' && current !== null
        ? (current as Record<PropertyKey, unknown>)[key]
        : undefined,
    value,
  );
