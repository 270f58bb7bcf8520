import { type FieldIssue, ReplicaFlowError } from '#shared/errors.ts';

/** An error that maps to one HTTP status; `message` is safe to show the caller. */
export class HttpError extends ReplicaFlowError {
  constructor(
    readonly statusCode: number,
    code: string,
    message: string,
    readonly issues: readonly FieldIssue[] = [],
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(code, message);
  }
}

export const unauthorized = (): HttpError =>
  // One answer for every credential problem: never say which part was wrong.
  new HttpError(401, 'UNAUTHORIZED', 'Missing or invalid credentials', [], { 'www-authenticate': 'Bearer' });

export const payloadTooLarge = (limitBytes: number): HttpError =>
  new HttpError(413, 'PAYLOAD_TOO_LARGE', `Request body is larger than ${limitBytes} bytes`);

export const unsupportedMediaType = (expected: string): HttpError =>
  new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', `Content-Type must be ${expected}`);

export const badRequest = (message: string, issues: readonly FieldIssue[] = []): HttpError =>
  new HttpError(400, 'BAD_REQUEST', message, issues);

/** Authenticated, but the key's role does not allow the action (what a key may not *see* is a 404 instead). */
export const forbidden = (message: string): HttpError => new HttpError(403, 'FORBIDDEN', message);
