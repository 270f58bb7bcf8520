import { createRequire } from 'node:module';
import type TencentCloudSDKHttpExceptionType from 'tencentcloud-sdk-nodejs/tencentcloud/common/exception/tencent_cloud_sdk_exception.js';
import { describe, expect, it } from 'vitest';
import {
  classifyTencentFailure,
  TENCENT_ERROR_CODE_KINDS,
  TencentApiError,
  type TencentFailureKind,
} from '#shared/adapters/tencent/tencent-api-error.ts';
import { ReplicaFlowError } from '#shared/errors.ts';

// The SDK's own classes, loaded the way the SDK loads them (CommonJS), so the shapes are the real ones.
const sdkRequire = createRequire(
  createRequire(import.meta.url).resolve('tencentcloud-sdk-nodejs/package.json'),
);
const TencentCloudSDKHttpException: typeof TencentCloudSDKHttpExceptionType = sdkRequire(
  './tencentcloud/common/exception/tencent_cloud_sdk_exception.js',
).default;
const { FetchError } = sdkRequire('node-fetch') as {
  FetchError: new (message: string, type: string, systemError?: object) => Error;
};

const CREATE = 'CreateReadOnlyDBInstance';
const READS = ['DescribeOrders', 'DescribeDBInstances', 'DescribeDBInstanceAttribute'] as const;

/** An error answer: HTTP 200 with `Response.Error`, as `AbstractClient.parseResponse` builds it. */
const errorAnswer = (code: string, message = 'error message', requestId = 'req-7f3c') => {
  const error = new TencentCloudSDKHttpException(message, requestId, 'trace-1');
  error.code = code;
  return error;
};

/** An HTTP status other than 200: no code, empty RequestId, `httpCode` set. */
const httpFailure = (status: number, statusText: string) => {
  const error = new TencentCloudSDKHttpException(statusText, '', 'trace-1');
  error.httpCode = status;
  return error;
};

/** A network error or timeout: the SDK keeps only node-fetch's message. */
const networkFailure = (message: string) => new TencentCloudSDKHttpException(message, '', 'trace-1');

const timeout = networkFailure('network timeout at: https://postgres.tencentcloudapi.com/');
const reset = networkFailure(
  'request to https://postgres.tencentcloudapi.com/ failed, reason: socket hang up (ECONNRESET)',
);
const refused = networkFailure(
  'request to http://127.0.0.1:1/ failed, reason: connect ECONNREFUSED 127.0.0.1:1',
);
const dnsFailure = networkFailure(
  'request to https://postgres.tencentcloudapi.com/ failed, reason: getaddrinfo ENOTFOUND postgres.tencentcloudapi.com',
);
const badJson = new FetchError(
  'invalid json response body at http://127.0.0.1:1/ reason: Unexpected token < in JSON at position 0',
  'invalid-json',
);
const noResponseMember = new TypeError("Cannot read properties of undefined (reading 'Error')");
const rawSocketError = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });

describe('classifyTencentFailure', () => {
  it.each<[string, TencentFailureKind]>([
    ['RequestLimitExceeded', 'throttled'],
    ['RequestLimitExceeded.UinLimitExceeded', 'throttled'],
    ['RequestLimitExceeded.IPLimitExceeded', 'throttled'],
    ['RequestLimitExceeded.GlobalRegionUinLimitExceeded', 'throttled'],
    ['FailedOperation.OperateFrequencyLimitedError', 'throttled'],
    ['InvalidParameter', 'business'],
    ['InvalidParameter.VpcNotFoundError', 'business'],
    ['InvalidParameterValue.IllegalZone', 'business'],
    ['InvalidParameterValue.IllegalInstanceChargeType', 'business'],
    ['MissingParameter', 'business'],
    ['UnknownParameter', 'business'],
    ['OperationDenied.RoInstanceCountExeedError', 'business'],
    ['OperationDenied.PayModeError', 'business'],
    ['OperationDenied.InsufficientBalanceError', 'business'],
    ['ResourceNotFound.InstanceNotFoundError', 'business'],
    ['ResourceInsufficient.ResourceNotEnough', 'business'],
    ['FailedOperation.ROGroupNotFoundError', 'business'],
    ['FailedOperation.ROGroupNumExceedError', 'business'],
    ['UnsupportedRegion', 'business'],
    ['InvalidAction', 'business'],
    ['LimitExceeded', 'business'],
    ['UnauthorizedOperation.UserHasNoRealnameAuthentication', 'business'],
    ['AuthFailure.SignatureFailure', 'business'],
    ['AuthFailure.SecretIdNotFound', 'business'],
    ['AuthFailure.UnauthorizedOperation', 'business'],
    ['AuthFailure.SignatureExpire', 'retryable'],
    ['ResourceInUse', 'retryable'],
    ['ResourceUnavailable', 'retryable'],
    ['ResourceUnavailable.InvalidInstanceStatus', 'retryable'],
    ['OperationDenied.InstanceStatusLimitError', 'retryable'],
    ['OperationDenied.InstanceStatusLimitOpError', 'retryable'],
    ['InternalError', 'ambiguous'],
    ['InternalError.SystemError', 'ambiguous'],
    ['UnknownError', 'ambiguous'],
    ['FailedOperation.CreateOrderFailed', 'ambiguous'],
    ['FailedOperation.PayOrderFailed', 'ambiguous'],
    ['FailedOperation', 'ambiguous'],
    ['SomethingNobodyDocumented', 'ambiguous'],
  ])('classifies %s on the create as %s', (code, kind) => {
    expect(classifyTencentFailure(CREATE, errorAnswer(code))).toBe(kind);
  });

  it.each<[string, string, TencentFailureKind]>([
    ['AddDBInstanceToReadOnlyGroup', 'FailedOperation.ROInstanceHasInROGroupError', 'business'],
    ['AddDBInstanceToReadOnlyGroup', 'FailedOperation.ROGroupMasterInstanceNotRight', 'business'],
    ['AddDBInstanceToReadOnlyGroup', 'OperationDenied.ROGroupStatusError', 'retryable'],
    ['AddDBInstanceToReadOnlyGroup', 'OperationDenied.ROInstanceStatusLimitOpError', 'retryable'],
    ['AddDBInstanceToReadOnlyGroup', 'InvalidParameterValue.InvalidReadOnlyGroupStatus', 'retryable'],
    ['AddDBInstanceToReadOnlyGroup', 'InvalidParameterValue.ReadOnlyGroupNotExist', 'business'],
    ['AddDBInstanceToReadOnlyGroup', 'OperationDenied.RoInstanceCountExeedError', 'business'],
    ['RemoveDBInstanceFromReadOnlyGroup', 'FailedOperation.IllegalROInstanceNum', 'business'],
    ['RemoveDBInstanceFromReadOnlyGroup', 'ResourceUnavailable.InvalidInstanceStatus', 'retryable'],
    ['ModifyReadOnlyGroupConfig', 'FailedOperation.ModifyROGroupError', 'ambiguous'],
    ['DeleteReadOnlyGroup', 'FailedOperation.ROGroupCannotBeDeletedError', 'business'],
    ['DeleteReadOnlyGroup', 'FailedOperation.ROGroupNotFoundError', 'business'],
    ['CreateReadOnlyGroup', 'FailedOperation.ROGroupNumExceedError', 'business'],
    ['CreateReadOnlyGroup', 'InternalError', 'ambiguous'],
    ['ModifyDBInstanceDeletionProtection', 'OperationDenied.InstanceStatusLimitError', 'retryable'],
    ['IsolateDBInstances', 'OperationDenied.InstanceStatusLimitError', 'retryable'],
    ['IsolateDBInstances', 'FailedOperation.OperateFrequencyLimitedError', 'throttled'],
    ['IsolateDBInstances', 'LimitOperation', 'business'],
    ['IsolateDBInstances', 'FailedOperation.LimitOperation', 'business'],
    ['IsolateDBInstances', 'FailedOperation.TradeCreateError', 'ambiguous'],
    ['IsolateDBInstances', 'InternalError', 'ambiguous'],
    ['DestroyDBInstance', 'ResourceUnavailable.InvalidInstanceStatus', 'retryable'],
    ['DestroyDBInstance', 'FailedOperation.PostPaidUnblockError', 'retryable'],
    ['DestroyDBInstance', 'InvalidParameterValue.IllegalInstanceChargeType', 'business'],
    ['DestroyDBInstance', 'InternalError', 'ambiguous'],
    ['DisIsolateDBInstances', 'OperationDenied.InsufficientBalanceError', 'business'],
    ['DisIsolateDBInstances', 'OperationDenied.InstanceStatusDeniedError', 'business'],
    ['DescribeTasks', 'InvalidParameterValue.ParameterValueExceedError', 'business'],
    ['DescribeTasks', 'InternalError', 'retryable'],
  ])('classifies %s failing with %s as %s', (action, code, kind) => {
    expect(classifyTencentFailure(action, errorAnswer(code))).toBe(kind);
  });

  it('matches a code family only at a dot, so RequestLimitExceededX is not throttling', () => {
    expect(classifyTencentFailure(CREATE, errorAnswer('RequestLimitExceededX'))).toBe('ambiguous');
    expect(classifyTencentFailure(CREATE, errorAnswer('InvalidParameterValueX'))).toBe('ambiguous');
  });

  it.each([
    ['a timeout', timeout],
    ['a connection reset', reset],
    ['an HTTP 502', httpFailure(502, 'Bad Gateway')],
    ['an HTTP 504', httpFailure(504, 'Gateway Timeout')],
    ['an HTTP 429 from a proxy', httpFailure(429, 'Too Many Requests')],
    ['a non-JSON answer (FetchError)', badJson],
    ['JSON without Response (TypeError)', noResponseMember],
    ['a raw socket error with an errno code', rawSocketError],
    ['a thrown string', 'boom'],
    ['undefined', undefined],
  ])('makes %s on the create ambiguous', (_, error) => {
    expect(classifyTencentFailure(CREATE, error)).toBe('ambiguous');
  });

  it.each([
    ['a refused connection', refused],
    ['a failed DNS lookup', dnsFailure],
  ])('makes %s retryable even on the create, as no byte was sent', (_, error) => {
    expect(classifyTencentFailure(CREATE, error)).toBe('retryable');
  });

  it.each(READS)('makes every transient failure of %s retryable', (action) => {
    for (const error of [
      timeout,
      reset,
      httpFailure(502, 'Bad Gateway'),
      badJson,
      noResponseMember,
      errorAnswer('InternalError'),
      errorAnswer('FailedOperation.DatabaseAccessError'),
    ]) {
      expect(classifyTencentFailure(action, error)).toBe('retryable');
    }
    expect(classifyTencentFailure(action, errorAnswer('RequestLimitExceeded'))).toBe('throttled');
    expect(classifyTencentFailure(action, errorAnswer('ResourceNotFound.InstanceNotFoundError'))).toBe(
      'business',
    );
  });

  it('treats an unknown action as mutating: its unknown outcomes stay ambiguous', () => {
    expect(classifyTencentFailure('CreateReadOnlyGroup', timeout)).toBe('ambiguous');
  });

  it('ignores an errno code on an error that is not the SDK exception', () => {
    const looksLikeACode = Object.assign(new Error('x'), { code: 'InvalidParameter' });
    expect(classifyTencentFailure(CREATE, looksLikeACode)).toBe('ambiguous');
  });

  it('holds the codes as data, one kind per code', () => {
    expect(TENCENT_ERROR_CODE_KINDS.get('RequestLimitExceeded')).toBe('throttled');
    expect(TENCENT_ERROR_CODE_KINDS.get('InternalError')).toBe('ambiguous');
  });
});

describe('TencentApiError', () => {
  it('keeps the Tencent code, RequestId, action and cause of an error answer', () => {
    const cause = errorAnswer('InvalidParameterValue.IllegalZone', 'The Zone is illegal.', 'req-123');

    const error = new TencentApiError(CREATE, cause);

    expect(error).toBeInstanceOf(ReplicaFlowError);
    expect(error).toMatchObject({
      name: 'TencentApiError',
      code: 'TENCENT_REJECTED',
      action: CREATE,
      kind: 'business',
      tencentCode: 'InvalidParameterValue.IllegalZone',
      tencentRequestId: 'req-123',
      httpStatus: undefined,
      retryable: false,
    });
    expect(error.cause).toBe(cause);
    expect(error.message).toContain('InvalidParameterValue.IllegalZone');
    expect(error.message).toContain('The Zone is illegal.');
  });

  it('keeps the HTTP status of a gateway failure and leaves the empty RequestId out', () => {
    const error = new TencentApiError(CREATE, httpFailure(502, 'Bad Gateway'));

    expect(error).toMatchObject({ kind: 'ambiguous', code: 'TENCENT_OUTCOME_UNKNOWN', httpStatus: 502 });
    expect(error.tencentCode).toBeUndefined();
    expect(error.tencentRequestId).toBeUndefined();
    expect(error.retryable).toBe(false);
  });

  it.each<[string, unknown, boolean]>([
    ['throttled create', errorAnswer('RequestLimitExceeded'), true],
    ['retryable create', errorAnswer('ResourceInUse'), true],
    ['ambiguous create', timeout, false],
    ['business create', errorAnswer('MissingParameter'), false],
  ])('is retryable exactly when safe: %s → %s', (_, cause, retryable) => {
    expect(new TencentApiError(CREATE, cause).retryable).toBe(retryable);
  });

  it('is retryable for a read that timed out', () => {
    const error = new TencentApiError('DescribeOrders', timeout);

    expect(error).toMatchObject({ kind: 'retryable', code: 'TENCENT_UNAVAILABLE', retryable: true });
  });
});
