import {
  KmsThrottled,
  MessageNotInflight,
  OverLimit,
  QueueDoesNotExist,
  ReceiptHandleIsInvalid,
  RequestThrottled,
  SQSServiceException,
} from '@aws-sdk/client-sqs';
import { isNetworkFailure } from '#shared/adapters/network-failure.ts';
import { QueueError } from '#shared/adapters/queue/queue-error.ts';
import type { QueueName } from '#shared/ports/message-queue.ts';

/** Errors SQS answers with that the SDK does not model as classes; matched by the SDK-given name. */
const INVALID_INPUT = new Set([
  'InvalidParameterValue',
  'InvalidMessageContents',
  'MissingParameter',
  'BatchRequestTooLong',
]);

/** The SDK's own MD5 check of a send answer fails with a plain `Error`. */
const isChecksumMismatch = (error: unknown): boolean =>
  error instanceof Error && !(error instanceof SQSServiceException) && /checksum/i.test(error.message);

/** Translates an AWS SDK failure of `action` on `queue` into a `QueueError`, at the adapter's border. */
export const toQueueError = (error: unknown, queue: QueueName, action: string): QueueError => {
  if (error instanceof QueueError) return error;
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const sdk = error instanceof SQSServiceException ? error : undefined;
  const make = (code: QueueError['code'], message: string, retryable = false) =>
    new QueueError(code, queue, message, { cause: error, retryable });

  if (error instanceof QueueDoesNotExist)
    return make('QUEUE_NOT_FOUND', `${action}: the ${queue} queue does not exist`);
  if (
    error instanceof RequestThrottled ||
    error instanceof OverLimit ||
    error instanceof KmsThrottled ||
    sdk?.$retryable?.throttling === true
  ) {
    return make('QUEUE_THROTTLED', `SQS throttled ${action} on the ${queue} queue: ${detail}`, true);
  }
  if (error instanceof ReceiptHandleIsInvalid || error instanceof MessageNotInflight) {
    return make('QUEUE_RECEIPT_INVALID', `${action} on the ${queue} queue: ${detail}`);
  }
  // The adapter validates the timeout before ChangeMessageVisibility, so what SQS refuses there is
  // the handle: a message already deleted, or received again since ("not available").
  if (sdk && INVALID_INPUT.has(sdk.name) && action === 'ChangeMessageVisibility') {
    return make('QUEUE_RECEIPT_INVALID', `${action} on the ${queue} queue: ${detail}`);
  }
  if (sdk && INVALID_INPUT.has(sdk.name)) {
    return make('QUEUE_MESSAGE_INVALID', `SQS refused ${action} on the ${queue} queue: ${detail}`);
  }
  if (sdk?.$fault === 'server' || isNetworkFailure(error) || isChecksumMismatch(error)) {
    return make(
      'QUEUE_UNAVAILABLE',
      `SQS unavailable during ${action} on the ${queue} queue: ${detail}`,
      true,
    );
  }
  return make('QUEUE_FAILED', `SQS refused ${action} on the ${queue} queue: ${detail}`);
};

/** The name SQS gave a failure (`QueueDoesNotExist`, `InvalidParameterValue`, …), if it came from SQS. */
export const sqsErrorName = (error: unknown): string | undefined =>
  error instanceof SQSServiceException ? error.name : undefined;
