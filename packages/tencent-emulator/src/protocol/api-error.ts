/**
 * A Tencent Cloud API error: answered as HTTP 200 with `Response.Error.{Code,Message}`, exactly
 * like the real gateway, so the SDK surfaces `err.code` and `err.requestId`.
 */
export class ApiError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
  }
}

/** Builders for the common (all-product) errors, with messages in Tencent's own style. */
export const apiErrors = {
  missingParameter: (name: string) =>
    new ApiError('MissingParameter', `The request is missing a required parameter \`${name}\`.`),
  unknownParameter: (name: string) =>
    new ApiError('UnknownParameter', `The parameter \`${name}\` is not recognized.`),
  invalidParameterType: (name: string, expected: string) =>
    new ApiError(
      'InvalidParameter',
      `The value type of parameter \`${name}\` is not valid; expected \`${expected}\`.`,
    ),
  invalidParameter: (message: string) => new ApiError('InvalidParameter', message),
  /** `rule` reads like Tencent's "should meet the rule: (0,INF)". */
  invalidValue: (name: string, rule: string) =>
    new ApiError(
      'InvalidParameterValue.InvalidParameterValueError',
      `The ${name} parameter value is invalid and should meet the rule: ${rule}.`,
    ),
  internalError: () =>
    new ApiError(
      'InternalError',
      'An internal error has occurred. Retry your request, but if the problem persists, contact us.',
    ),
  requestLimitExceeded: (count: number, limit: number) =>
    new ApiError(
      'RequestLimitExceeded',
      `Your current request times equals to \`${count}\` in a second, which exceeds the frequency limit \`${limit}\` for a second. Please reduce the frequency of calls.`,
    ),
} as const;
