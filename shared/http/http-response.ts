import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  IdempotencyConflictError,
  NotFoundError,
  ReplicaFlowError,
  ValidationError,
} from '#shared/errors.ts';
import { HttpError } from '#shared/http/http-error.ts';
import { logger } from '#shared/logger.ts';

export const jsonResponse = (
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

/** Maps any error to a JSON problem answer. Bad input is always a 4xx naming the problem, never a 500. */
export const errorResponse = (error: unknown): APIGatewayProxyStructuredResultV2 => {
  if (error instanceof HttpError) {
    return jsonResponse(
      error.statusCode,
      {
        error: {
          code: error.code,
          message: error.message,
          ...(error.issues.length ? { issues: error.issues } : {}),
        },
      },
      { ...error.headers },
    );
  }
  if (error instanceof ValidationError) {
    return jsonResponse(400, { error: { code: error.code, message: error.message, issues: error.issues } });
  }
  if (error instanceof IdempotencyConflictError) {
    return jsonResponse(422, {
      error: { code: error.code, message: error.message, requestId: error.existingRequestId },
    });
  }
  if (error instanceof NotFoundError)
    return jsonResponse(404, { error: { code: error.code, message: error.message } });
  if (isMiddyHttpError(error)) {
    return jsonResponse(error.statusCode, { error: { code: 'HTTP_ERROR', message: error.message } });
  }
  const code = error instanceof ReplicaFlowError ? error.code : 'INTERNAL';
  logger.error('request failed', { code, error });
  // Our own dependencies failed (store or queue unreachable): the caller may retry safely with the same key.
  return jsonResponse(
    503,
    { error: { code: 'TEMPORARILY_UNAVAILABLE', message: 'Try again with the same Idempotency-Key' } },
    { 'retry-after': '1' },
  );
};

const isMiddyHttpError = (error: unknown): error is { statusCode: number; message: string } =>
  error instanceof Error &&
  typeof (error as { statusCode?: unknown }).statusCode === 'number' &&
  (error as { expose?: unknown }).expose === true;
