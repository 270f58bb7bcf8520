import { SqsServerError } from '#sqs-server/sqs-server-error.ts';

/**
 * An error the local SQS server answers with, in the shape AWS uses for the SQS JSON protocol:
 * HTTP status, body `{"__type": "com.amazonaws.sqs#<type>", "message": …}` and, for the
 * query-compatible codes the SDK matches on, the header `x-amzn-query-error: <queryCode>;<fault>`.
 */
export class SqsServiceError extends SqsServerError {
  constructor(
    /** Shape name sent in `__type`, e.g. `QueueDoesNotExist`. */
    readonly errorType: string,
    /** Legacy query-protocol code sent in `x-amzn-query-error`, e.g. `AWS.SimpleQueueService.NonExistentQueue`. */
    readonly queryCode: string | undefined,
    readonly statusCode: number,
    message: string,
    readonly fault: 'Sender' | 'Receiver' = 'Sender',
    /** Namespace of `__type`; validation errors from the service framework use another one. */
    readonly namespace = 'com.amazonaws.sqs',
  ) {
    super('SQS_REQUEST_REJECTED', message);
  }

  /** The code SQS batch results carry in `Failed[].Code`. */
  get batchCode(): string {
    return this.queryCode ?? this.errorType;
  }
}

export const queueDoesNotExist = (): SqsServiceError =>
  new SqsServiceError(
    'QueueDoesNotExist',
    'AWS.SimpleQueueService.NonExistentQueue',
    400,
    'The specified queue does not exist.',
  );

export const queueNameExists = (message: string): SqsServiceError =>
  new SqsServiceError('QueueNameExists', 'QueueAlreadyExists', 400, message);

export const receiptHandleIsInvalid = (receiptHandle: string): SqsServiceError =>
  new SqsServiceError(
    'ReceiptHandleIsInvalid',
    'ReceiptHandleIsInvalid',
    404,
    `The input receipt handle "${receiptHandle.slice(0, 120)}" is not a valid receipt handle.`,
  );

export const messageNotInflight = (): SqsServiceError =>
  new SqsServiceError(
    'MessageNotInflight',
    'AWS.SimpleQueueService.MessageNotInflight',
    400,
    'The message referred to is not in flight.',
  );

export const invalidParameterValue = (message: string): SqsServiceError =>
  new SqsServiceError('InvalidParameterValueException', 'InvalidParameterValue', 400, message);

export const invalidParameter = (parameter: string, value: unknown, reason: string): SqsServiceError =>
  invalidParameterValue(`Value ${String(value)} for parameter ${parameter} is invalid. Reason: ${reason}`);

export const missingParameter = (parameter: string): SqsServiceError =>
  new SqsServiceError(
    'MissingRequiredParameterException',
    'MissingParameter',
    400,
    `The request must contain the parameter ${parameter}.`,
  );

export const invalidAttributeName = (message: string): SqsServiceError =>
  new SqsServiceError('InvalidAttributeName', 'InvalidAttributeName', 400, message);

export const invalidAttributeValue = (message: string): SqsServiceError =>
  new SqsServiceError('InvalidAttributeValue', 'InvalidAttributeValue', 400, message);

export const invalidMessageContents = (): SqsServiceError =>
  new SqsServiceError(
    'InvalidMessageContents',
    'InvalidMessageContents',
    400,
    'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF',
  );

export const emptyBatchRequest = (): SqsServiceError =>
  new SqsServiceError(
    'EmptyBatchRequest',
    'AWS.SimpleQueueService.EmptyBatchRequest',
    400,
    'There should be at least one entry in the request.',
  );

export const tooManyEntriesInBatchRequest = (count: number): SqsServiceError =>
  new SqsServiceError(
    'TooManyEntriesInBatchRequest',
    'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
    400,
    `Maximum number of entries per request are 10. You have sent ${count}.`,
  );

export const batchEntryIdsNotDistinct = (id: string): SqsServiceError =>
  new SqsServiceError(
    'BatchEntryIdsNotDistinct',
    'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
    400,
    `Id ${id} repeated.`,
  );

export const invalidBatchEntryId = (): SqsServiceError =>
  new SqsServiceError(
    'InvalidBatchEntryId',
    'AWS.SimpleQueueService.InvalidBatchEntryId',
    400,
    'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
  );

export const batchRequestTooLong = (limit: number): SqsServiceError =>
  new SqsServiceError(
    'BatchRequestTooLong',
    'AWS.SimpleQueueService.BatchRequestTooLong',
    400,
    `Batch requests cannot be longer than ${limit} bytes.`,
  );

export const unsupportedOperation = (message: string): SqsServiceError =>
  new SqsServiceError('UnsupportedOperation', 'AWS.SimpleQueueService.UnsupportedOperation', 400, message);

export const resourceNotFound = (message: string): SqsServiceError =>
  new SqsServiceError('ResourceNotFoundException', 'ResourceNotFoundException', 404, message);

export const invalidAction = (action: string): SqsServiceError =>
  new SqsServiceError(
    'InvalidAction',
    'InvalidAction',
    400,
    `The action or operation requested is invalid: ${action.slice(0, 100)}. Verify that the action is typed correctly.`,
  );

export const missingAuthenticationToken = (): SqsServiceError =>
  new SqsServiceError(
    'MissingAuthenticationTokenException',
    'MissingAuthenticationToken',
    403,
    'Missing Authentication Token: the request must be signed (AWS Signature Version 4).',
    'Sender',
    'com.amazon.coral.service',
  );

/** Malformed JSON body, or a member of the wrong JSON type. Sent without a query code, as AWS does. */
export const serializationException = (message: string): SqsServiceError =>
  new SqsServiceError(
    'SerializationException',
    undefined,
    400,
    message,
    'Sender',
    'com.amazon.coral.service',
  );

export const requestEntityTooLarge = (limit: number): SqsServiceError =>
  new SqsServiceError(
    'RequestEntityTooLargeException',
    'RequestEntityTooLarge',
    413,
    `Request body must be at most ${limit} bytes.`,
  );

export const invalidAddress = (queueUrl: string): SqsServiceError =>
  new SqsServiceError(
    'InvalidAddress',
    'InvalidAddress',
    404,
    `The address ${queueUrl.slice(0, 200)} is not valid for this endpoint.`,
  );

export const serviceUnavailable = (): SqsServiceError =>
  new SqsServiceError(
    'ServiceUnavailable',
    'ServiceUnavailable',
    503,
    'The local SQS server is shutting down.',
    'Receiver',
  );

export const internalError = (): SqsServiceError =>
  new SqsServiceError(
    'InternalError',
    'InternalError',
    500,
    'We encountered an internal error. Please try again.',
    'Receiver',
  );
