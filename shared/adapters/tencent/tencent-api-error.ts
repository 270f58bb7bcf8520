import { ReplicaFlowError } from '#shared/errors.ts';

/**
 * What a failed Tencent Cloud API call means for the caller.
 * - `throttled`: refused before acceptance (`RequestLimitExceeded*`); safe to retry, even the create.
 * - `business`: the request itself is wrong or not allowed; retrying the same request cannot help.
 * - `retryable`: an error answer that certainly created nothing and may pass later.
 * - `ambiguous`: the outcome is unknown. Only a mutating call (the create) is ever ambiguous: a
 *   read that fails this way is simply `retryable`.
 */
export type TencentFailureKind = 'throttled' | 'business' | 'retryable' | 'ambiguous';

/**
 * Tencent error codes and code families, looked up from the most specific to the least: for
 * `OperationDenied.RoInstanceCountExeedError` the table is asked for that code, then for
 * `OperationDenied`. An entry therefore covers its own code and every dotted sub-code below it
 * (`RequestLimitExceeded` covers `RequestLimitExceeded.UinLimitExceeded`, but not `RequestLimitExceededX`).
 * A code with no entry is `ambiguous`, as are `InternalError*`, `UnknownError` and the
 * `FailedOperation.*` codes not listed here.
 *
 * Why `InternalError` on the create is ambiguous, not retryable: the API has no client token, and
 * an internal error can be raised after the order was placed. Terraform's provider retries the
 * create on network errors and busy/throttling codes (not on InternalError, "because retry won't
 * fix anything"), and every such re-send after acceptance risks a second, leaked, paid replica.
 * replica-flow never re-sends a create whose outcome is unknown: the request goes to UNKNOWN and is
 * reconciled by `DescribeDBInstances` filtered by its tag and name first.
 */
export const TENCENT_ERROR_CODE_KINDS: ReadonlyMap<string, TencentFailureKind> = new Map([
  // Refused before acceptance.
  ['RequestLimitExceeded', 'throttled'],
  ['FailedOperation.OperateFrequencyLimitedError', 'throttled'],

  // A fresh call re-signs with a fresh timestamp; the expired one was refused at the gateway.
  ['AuthFailure.SignatureExpire', 'retryable'],
  ['ResourceInUse', 'retryable'],
  ['ResourceBusy', 'retryable'],
  ['ResourceUnavailable', 'retryable'],
  // The primary is busy (another flow runs on it): refused before any order; Terraform retries it too.
  ['OperationDenied.InstanceStatusLimitError', 'retryable'],
  ['OperationDenied.InstanceStatusLimitOpError', 'retryable'],

  // The request is wrong or not allowed: end it FAILED with the code.
  ['AuthFailure', 'business'],
  ['UnauthorizedOperation', 'business'],
  ['InvalidParameter', 'business'],
  ['InvalidParameterValue', 'business'],
  ['MissingParameter', 'business'],
  ['UnknownParameter', 'business'],
  ['InvalidAction', 'business'],
  ['InvalidPid', 'business'],
  ['ActionOffline', 'business'],
  ['NoSuchVersion', 'business'],
  ['UnsupportedOperation', 'business'],
  ['UnsupportedProtocol', 'business'],
  ['UnsupportedRegion', 'business'],
  ['OperationDenied', 'business'],
  ['ResourceNotFound', 'business'],
  ['ResourceInsufficient', 'business'],
  ['LimitExceeded', 'business'],
  ['FailedOperation.ROGroupNotFoundError', 'business'],
  ['FailedOperation.ROGroupNumExceedError', 'business'],

  // The fleet actions (tencent-fleet-api.md). A read-only group or replica in a passing state
  // (`creating`, `modifying`, a member mid-task) refuses before changing anything: retry later.
  ['OperationDenied.ROGroupStatusError', 'retryable'],
  ['OperationDenied.ROInstanceStatusLimitOpError', 'retryable'],
  ['InvalidParameterValue.InvalidReadOnlyGroupStatus', 'retryable'],
  // Facts about the request that a retry cannot change: already a member, the wrong primary's
  // group, the last member, a group with members, a wrong charge type.
  ['FailedOperation.ROInstanceHasInROGroupError', 'business'],
  ['FailedOperation.ROGroupMasterInstanceNotRight', 'business'],
  ['FailedOperation.IllegalROInstanceNum', 'business'],
  ['FailedOperation.ROGroupCannotBeDeletedError', 'business'],
  ['FailedOperation.LimitOperation', 'business'],
  ['LimitOperation', 'business'],
  // "Unfreezing the postpaid account failed, retry later" (DestroyDBInstance): refused, nothing destroyed.
  ['FailedOperation.PostPaidUnblockError', 'retryable'],

  // Said explicitly, although they are also the default.
  ['InternalError', 'ambiguous'],
  ['UnknownError', 'ambiguous'],
  ['FailedOperation', 'ambiguous'],
]);

/**
 * Socket errors raised before a connection existed: no byte of the request left this process, so
 * nothing can have been created. node-fetch puts the errno in its message and the SDK keeps only
 * the message, so the message is all there is to read.
 */
const NOT_CONNECTED = /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN)\b/;

/** `Describe*` and `InquiryPrice*` calls change nothing; every other action is treated as mutating. */
export const isReadOnlyAction = (action: string): boolean => /^(Describe|Inquiry)/.test(action);

/** What the SDK let us know about a failure, whatever its shape. */
export interface TencentFailureDetails {
  readonly tencentCode?: string;
  readonly tencentRequestId?: string;
  readonly httpStatus?: number;
  readonly message: string;
}

/**
 * Reads the SDK's failure shapes: `TencentCloudSDKHttpException` (own `requestId` and `traceId`,
 * plus `code` for an error answer or `httpCode` for an HTTP status other than 200; neither for a
 * network error or timeout), node-fetch's `FetchError` for a non-JSON answer, a `TypeError` for JSON
 * without `Response`, or anything else thrown.
 */
export const readTencentFailure = (error: unknown): TencentFailureDetails => {
  if (!(error instanceof Error)) return { message: String(error) };
  const fields = error as Error & { code?: unknown; requestId?: unknown; httpCode?: unknown };
  const isSdkException = typeof fields.requestId === 'string' && 'traceId' in fields;
  const tencentCode =
    isSdkException && typeof fields.code === 'string' && fields.code ? fields.code : undefined;
  const tencentRequestId = isSdkException && fields.requestId ? String(fields.requestId) : undefined;
  const httpStatus = isSdkException && typeof fields.httpCode === 'number' ? fields.httpCode : undefined;
  return { tencentCode, tencentRequestId, httpStatus, message: error.message };
};

const kindOfCode = (code: string): TencentFailureKind => {
  for (let key = code; key; key = key.slice(0, Math.max(0, key.lastIndexOf('.')))) {
    const kind = TENCENT_ERROR_CODE_KINDS.get(key);
    if (kind) return kind;
  }
  return 'ambiguous';
};

/** Pure: what a failure of `action` means. Never throws. */
export const classifyTencentFailure = (action: string, error: unknown): TencentFailureKind => {
  const { tencentCode, httpStatus, message } = readTencentFailure(error);
  let kind: TencentFailureKind;
  if (tencentCode) kind = kindOfCode(tencentCode);
  else if (httpStatus === undefined && NOT_CONNECTED.test(message)) kind = 'retryable';
  else kind = 'ambiguous';
  return kind === 'ambiguous' && isReadOnlyAction(action) ? 'retryable' : kind;
};

const ERROR_CODES: Readonly<Record<TencentFailureKind, string>> = {
  throttled: 'TENCENT_THROTTLED',
  business: 'TENCENT_REJECTED',
  retryable: 'TENCENT_UNAVAILABLE',
  ambiguous: 'TENCENT_OUTCOME_UNKNOWN',
};

/** A failed Tencent Cloud API call, translated at the adapter's border. `cause` is the SDK's error. */
export class TencentApiError extends ReplicaFlowError {
  readonly action: string;
  readonly kind: TencentFailureKind;
  /** e.g. `InvalidParameterValue.IllegalZone`; absent for network errors and HTTP statuses. */
  readonly tencentCode?: string;
  readonly tencentRequestId?: string;
  /** Set when the answer was not HTTP 200 (a gateway or proxy failure, e.g. 502). */
  readonly httpStatus?: number;

  constructor(action: string, cause: unknown) {
    const kind = classifyTencentFailure(action, cause);
    const details = readTencentFailure(cause);
    const what =
      details.tencentCode ?? (details.httpStatus ? `HTTP ${details.httpStatus}` : 'request failed');
    super(ERROR_CODES[kind], `Tencent ${action} failed (${kind}): ${what}: ${details.message}`, { cause });
    this.action = action;
    this.kind = kind;
    this.tencentCode = details.tencentCode;
    this.tencentRequestId = details.tencentRequestId;
    this.httpStatus = details.httpStatus;
  }

  /** True when the same call may simply be made again (after a backoff). */
  get retryable(): boolean {
    return (
      this.kind === 'throttled' ||
      this.kind === 'retryable' ||
      (this.kind === 'ambiguous' && isReadOnlyAction(this.action))
    );
  }
}
