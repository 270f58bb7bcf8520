import { md5OfMessageAttributes } from '#sqs-server/message-md5.ts';
import type { NewMessage } from '#sqs-server/sqs-engine.ts';
import {
  invalidMessageContents,
  invalidParameter,
  invalidParameterValue,
  missingParameter,
} from '#sqs-server/sqs-service-error.ts';
import type { MessageAttributeMap, MessageAttributeValueJson } from '#sqs-server/stored-state.ts';

/** A message as SendMessage and each SendMessageBatch entry carry it (JSON protocol). */
export interface MessageInput {
  readonly MessageBody?: string | undefined;
  readonly DelaySeconds?: number | undefined;
  readonly MessageAttributes?: Readonly<Record<string, AttributeValueInput>> | undefined;
  readonly MessageSystemAttributes?: Readonly<Record<string, AttributeValueInput>> | undefined;
  readonly MessageDeduplicationId?: string | undefined;
}

export interface AttributeValueInput {
  readonly DataType: string;
  readonly StringValue?: string | undefined;
  readonly BinaryValue?: string | undefined;
  readonly StringListValues?: readonly string[] | undefined;
  readonly BinaryListValues?: readonly string[] | undefined;
}

export interface ValidatedMessage {
  readonly message: Omit<NewMessage, 'senderId'>;
  readonly md5OfMessageSystemAttributes?: string;
  /** Bytes counted against `MaximumMessageSize`: body plus attribute names, types and values. */
  readonly size: number;
}

/** Characters SQS accepts in a body or a string attribute. */
const INVALID_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const ATTRIBUTE_NAME = /^[A-Za-z0-9_.-]{1,256}$/;
const DATA_TYPE = /^(String|Number|Binary)(\.[^\s]{1,250})?$/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const MAX_ATTRIBUTES = 10;

export const validateMessage = (input: MessageInput, maximumMessageSize: number): ValidatedMessage => {
  const body = input.MessageBody;
  if (body === undefined) throw missingParameter('MessageBody');
  if (body.length === 0) throw invalidParameterValue('The request must contain the parameter MessageBody.');
  if (INVALID_CHARACTER.test(body)) throw invalidMessageContents();
  const delaySeconds = input.DelaySeconds;
  if (
    delaySeconds !== undefined &&
    !(Number.isInteger(delaySeconds) && delaySeconds >= 0 && delaySeconds <= 900)
  ) {
    throw invalidParameter('DelaySeconds', delaySeconds, 'Must be >= 0 and <= 900.');
  }
  if (input.MessageDeduplicationId !== undefined) {
    throw invalidParameter(
      'MessageDeduplicationId',
      input.MessageDeduplicationId,
      'The request include parameter that is not valid for this queue type',
    );
  }
  const attributes = validateAttributes(input.MessageAttributes ?? {}, false);
  const systemAttributes = validateAttributes(input.MessageSystemAttributes ?? {}, true);
  const size = Buffer.byteLength(body, 'utf8') + attributes.size;
  if (size > maximumMessageSize) {
    throw invalidParameterValue(
      `One or more parameters are invalid. Reason: Message must be shorter than ${maximumMessageSize} bytes.`,
    );
  }
  const hasAttributes = Object.keys(attributes.map).length > 0;
  const traceHeader = systemAttributes.map.AWSTraceHeader?.StringValue;
  return {
    message: {
      body,
      ...(delaySeconds !== undefined && { delaySeconds }),
      ...(hasAttributes && {
        messageAttributes: attributes.map,
        md5OfMessageAttributes: md5OfMessageAttributes(attributes.map),
      }),
      ...(traceHeader !== undefined && { traceHeader }),
    },
    ...(traceHeader !== undefined && {
      md5OfMessageSystemAttributes: md5OfMessageAttributes(systemAttributes.map),
    }),
    size,
  };
};

const validateAttributes = (
  input: Readonly<Record<string, AttributeValueInput>>,
  system: boolean,
): { map: MessageAttributeMap; size: number } => {
  const parameter = system ? 'MessageSystemAttributes' : 'MessageAttributes';
  const entries = Object.entries(input);
  if (entries.length > MAX_ATTRIBUTES) {
    throw invalidParameterValue(
      `Number of message attributes [${entries.length}] exceeds the allowed maximum [10].`,
    );
  }
  const map: Record<string, MessageAttributeValueJson> = {};
  let size = 0;
  for (const [name, value] of entries) {
    if (system ? name !== 'AWSTraceHeader' : !isValidAttributeName(name)) {
      throw invalidParameterValue(`Message (system) attribute name '${name.slice(0, 256)}' is invalid.`);
    }
    if (system && value.DataType !== 'String') {
      throw invalidParameterValue(`The message system attribute ${name} must have the data type String.`);
    }
    if (value.StringListValues?.length || value.BinaryListValues?.length) {
      throw invalidParameterValue(`Message attribute list values in '${name}' are not supported.`);
    }
    if (!DATA_TYPE.test(value.DataType)) {
      throw invalidParameterValue(`The type of message (user) attribute '${name}' is invalid.`);
    }
    const binary = value.DataType.startsWith('Binary');
    const stored = binary ? binaryValue(name, value, parameter) : stringValue(name, value, parameter);
    map[name] = stored;
    size +=
      Buffer.byteLength(name, 'utf8') +
      Buffer.byteLength(stored.DataType, 'utf8') +
      (stored.BinaryValue !== undefined
        ? Buffer.from(stored.BinaryValue, 'base64').length
        : Buffer.byteLength(stored.StringValue ?? '', 'utf8'));
  }
  return { map, size };
};

const isValidAttributeName = (name: string): boolean =>
  ATTRIBUTE_NAME.test(name) &&
  !/^(aws\.|amazon\.)/i.test(name) &&
  !name.startsWith('.') &&
  !name.endsWith('.') &&
  !name.includes('..');

const stringValue = (
  name: string,
  value: AttributeValueInput,
  parameter: string,
): MessageAttributeValueJson => {
  const text = value.StringValue;
  if (text === undefined || text === '') {
    throw invalidParameterValue(
      `${parameter} '${name}' must contain a non-empty value of message attribute type '${value.DataType}'.`,
    );
  }
  if (INVALID_CHARACTER.test(text)) throw invalidMessageContents();
  if (value.DataType.startsWith('Number') && !NUMBER.test(text)) {
    throw invalidParameterValue(`Could not cast message attribute '${name}' value to number.`);
  }
  return { DataType: value.DataType, StringValue: text };
};

const binaryValue = (
  name: string,
  value: AttributeValueInput,
  parameter: string,
): MessageAttributeValueJson => {
  const encoded = value.BinaryValue;
  if (encoded === undefined || encoded === '' || !/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) {
    throw invalidParameterValue(
      `${parameter} '${name}' must contain a non-empty base64 value of type 'Binary'.`,
    );
  }
  // Normalised, so the stored value and its MD5 agree with what a client decoded.
  return { DataType: value.DataType, BinaryValue: Buffer.from(encoded, 'base64').toString('base64') };
};
