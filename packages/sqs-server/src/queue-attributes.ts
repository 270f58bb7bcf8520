import {
  invalidAttributeName,
  invalidAttributeValue,
  unsupportedOperation,
} from '#sqs-server/sqs-service-error.ts';

/** Defaults of a new standard queue, as SQS reports them. */
export const QUEUE_ATTRIBUTE_DEFAULTS: Readonly<Record<string, string>> = {
  VisibilityTimeout: '30',
  MessageRetentionPeriod: '345600',
  DelaySeconds: '0',
  MaximumMessageSize: '262144',
  ReceiveMessageWaitTimeSeconds: '0',
  SqsManagedSseEnabled: 'true',
};

const INTEGER_RANGES: ReadonlyMap<string, readonly [number, number]> = new Map([
  ['VisibilityTimeout', [0, 43_200]],
  ['MessageRetentionPeriod', [60, 1_209_600]],
  ['DelaySeconds', [0, 900]],
  ['MaximumMessageSize', [1024, 1_048_576]],
  ['ReceiveMessageWaitTimeSeconds', [0, 20]],
  ['KmsDataKeyReusePeriodSeconds', [60, 86_400]],
]);

/** Accepted and reported back, without effect on this server. */
const JSON_ATTRIBUTES = new Set(['Policy', 'RedriveAllowPolicy']);
const TEXT_ATTRIBUTES = new Set(['KmsMasterKeyId']);
const BOOLEAN_ATTRIBUTES = new Set(['SqsManagedSseEnabled']);

/** Computed attributes: readable, never settable. */
export const READ_ONLY_ATTRIBUTES: readonly string[] = [
  'QueueArn',
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
];

const FIFO_ATTRIBUTES = new Set([
  'FifoQueue',
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
]);

export interface RedrivePolicy {
  readonly deadLetterTargetArn: string;
  readonly maxReceiveCount: number;
}

export const isKnownQueueAttribute = (name: string): boolean =>
  INTEGER_RANGES.has(name) ||
  JSON_ATTRIBUTES.has(name) ||
  TEXT_ATTRIBUTES.has(name) ||
  BOOLEAN_ATTRIBUTES.has(name) ||
  name === 'RedrivePolicy' ||
  READ_ONLY_ATTRIBUTES.includes(name);

export interface AttributeContext {
  /** ARN of the queue being created or changed. */
  readonly selfArn: string;
  readonly queueExists: (arn: string) => boolean;
}

/**
 * Validates settable attributes of CreateQueue / SetQueueAttributes and returns them normalised.
 * An empty `RedrivePolicy` (allowed only when `allowRemoval`) means "remove the policy".
 */
export const normaliseQueueAttributes = (
  input: Readonly<Record<string, string>>,
  context: AttributeContext,
  allowRemoval: boolean,
): Record<string, string> => {
  const normalised: Record<string, string> = {};
  for (const [name, value] of Object.entries(input)) {
    normalised[name] = normaliseOne(name, value, context, allowRemoval);
  }
  return normalised;
};

const normaliseOne = (
  name: string,
  value: string,
  context: AttributeContext,
  allowRemoval: boolean,
): string => {
  const range = INTEGER_RANGES.get(name);
  if (range) {
    const number = /^\d{1,10}$/.test(value) ? Number(value) : Number.NaN;
    if (!(number >= range[0] && number <= range[1])) {
      throw invalidAttributeValue(
        `Invalid value for the parameter ${name}. Must be an integer from ${range[0]} to ${range[1]}.`,
      );
    }
    return String(number);
  }
  if (name === 'RedrivePolicy') {
    if (value === '' && allowRemoval) return '';
    return JSON.stringify(parseRedrivePolicyInput(value, context));
  }
  if (JSON_ATTRIBUTES.has(name)) {
    if (value === '' && allowRemoval) return '';
    if (!isJsonObject(value)) throw invalidAttributeValue(`Invalid value for the parameter ${name}.`);
    return value;
  }
  if (TEXT_ATTRIBUTES.has(name)) return value;
  if (BOOLEAN_ATTRIBUTES.has(name)) {
    if (value !== 'true' && value !== 'false')
      throw invalidAttributeValue(`Invalid value for the parameter ${name}.`);
    return value;
  }
  if (name === 'FifoQueue' && value === 'true') {
    throw unsupportedOperation('FIFO queues are not supported by the local SQS server.');
  }
  if (FIFO_ATTRIBUTES.has(name)) {
    throw invalidAttributeName(`You can specify the ${name} only when FifoQueue is set to true.`);
  }
  if (READ_ONLY_ATTRIBUTES.includes(name)) throw invalidAttributeName(`Attribute ${name} is read-only.`);
  throw invalidAttributeName(`Unknown Attribute ${name}.`);
};

const isJsonObject = (value: string): boolean => {
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  } catch {
    return false;
  }
};

const parseRedrivePolicyInput = (value: string, context: AttributeContext): RedrivePolicy => {
  const reject = (reason: string) =>
    invalidAttributeValue(`Value ${value} for parameter RedrivePolicy is invalid. Reason: ${reason}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw reject('Redrive policy is not a valid JSON map.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw reject('Redrive policy is not a valid JSON map.');
  }
  const { deadLetterTargetArn, maxReceiveCount } = parsed as Record<string, unknown>;
  if (typeof deadLetterTargetArn !== 'string' || deadLetterTargetArn === '') {
    throw reject('Redrive policy does not contain mandatory attribute: deadLetterTargetArn.');
  }
  const count =
    typeof maxReceiveCount === 'number' ||
    (typeof maxReceiveCount === 'string' && /^\d+$/.test(maxReceiveCount))
      ? Number(maxReceiveCount)
      : Number.NaN;
  if (!(Number.isInteger(count) && count >= 1 && count <= 1000)) {
    throw reject('Invalid value for maxReceiveCount: must be an integer from 1 to 1000.');
  }
  if (deadLetterTargetArn === context.selfArn) throw reject('A queue cannot be its own dead-letter queue.');
  if (!context.queueExists(deadLetterTargetArn)) throw reject('Dead letter target does not exist.');
  return { deadLetterTargetArn, maxReceiveCount: count };
};

/** The stored (already validated) redrive policy of a queue. */
export const redrivePolicyOf = (attributes: Readonly<Record<string, string>>): RedrivePolicy | undefined => {
  const value = attributes.RedrivePolicy;
  return value ? (JSON.parse(value) as RedrivePolicy) : undefined;
};

/** An integer attribute of a stored queue, with its default. */
export const integerAttribute = (attributes: Readonly<Record<string, string>>, name: string): number =>
  Number(ownValue(attributes, name) ?? ownValue(QUEUE_ATTRIBUTE_DEFAULTS, name) ?? 0);

/** A property of a string map, never one inherited from `Object.prototype` (`constructor`, …). */
export const ownValue = (map: Readonly<Record<string, string>>, name: string): string | undefined =>
  Object.hasOwn(map, name) ? map[name] : undefined;
