import {
  DynamoDBServiceException,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  ResourceNotFoundException,
  ThrottlingException,
} from '@aws-sdk/client-dynamodb';
import { isNetworkFailure } from '#shared/adapters/network-failure.ts';
import { ReplicaFlowError } from '#shared/errors.ts';

export type StoreErrorCode =
  /** DynamoDB throttled the call after the SDK's own retries: retry later. */
  | 'STORE_THROTTLED'
  /** Network failure or a 5xx from DynamoDB: retry later. */
  | 'STORE_UNAVAILABLE'
  /** The table (or index) is missing: a deployment or configuration fault. */
  | 'STORE_TABLE_NOT_FOUND'
  /** A `listInFlight` cursor that this store did not issue. */
  | 'STORE_INVALID_CURSOR'
  /** A command the store refuses before writing (e.g. removing a required field). */
  | 'STORE_INVALID_COMMAND'
  /** Anything else DynamoDB refused (validation, item too large, …). */
  | 'STORE_FAILED';

/** A request-store failure that is not a lost race; `retryable` says whether trying again can help. */
export class StoreError extends ReplicaFlowError {
  declare readonly code: StoreErrorCode;
  readonly retryable: boolean;

  constructor(code: StoreErrorCode, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(code, message, { cause: options.cause });
    this.retryable = options.retryable ?? false;
  }
}

const THROTTLING = [ProvisionedThroughputExceededException, ThrottlingException, RequestLimitExceeded];

/**
 * Translates an AWS SDK failure into a `StoreError` (conditional-check failures are the caller's
 * to translate, into `ConcurrentUpdateError` or a plain `false`). A retryable failure of a write
 * may still have been applied: the next conditional write on the old version then loses.
 */
export const toStoreError = (error: unknown, action: string): StoreError => {
  if (error instanceof StoreError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  const sdk = error instanceof DynamoDBServiceException ? error : undefined;
  if (THROTTLING.some((type) => error instanceof type) || sdk?.$retryable?.throttling === true) {
    return new StoreError('STORE_THROTTLED', `DynamoDB throttled ${action}: ${detail}`, {
      cause: error,
      retryable: true,
    });
  }
  if (error instanceof ResourceNotFoundException) {
    return new StoreError('STORE_TABLE_NOT_FOUND', `${action}: ${detail}`, { cause: error });
  }
  // A server fault, or no answer from DynamoDB at all (connection refused or reset, timeout).
  if (sdk?.$fault === 'server' || sdk?.$retryable !== undefined || isNetworkFailure(error)) {
    return new StoreError('STORE_UNAVAILABLE', `DynamoDB unavailable during ${action}: ${detail}`, {
      cause: error,
      retryable: true,
    });
  }
  return new StoreError('STORE_FAILED', `DynamoDB refused ${action}: ${detail}`, { cause: error });
};
