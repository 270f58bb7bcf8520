import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { parseAuthorization } from '#emulator/auth/authorization-header.ts';
import { tc3Signature, utcDate } from '#emulator/auth/tc3-signature.ts';
import type { EmulatorCredential } from '#emulator/credentials.ts';
import { ApiError, apiErrors } from '#emulator/protocol/api-error.ts';

/** Tencent refuses a signature whose timestamp is more than five minutes from the server's clock. */
export const MAX_CLOCK_SKEW_SECONDS = 300;

export interface SignedRequest {
  readonly method: string;
  /** `req.url` as received: path plus optional `?query`. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

const headerValue = (headers: IncomingHttpHeaders, name: string): string => {
  const value = headers[name];
  return (Array.isArray(value) ? value.join(',') : (value ?? '')).trim();
};

/** The Host header without its port: the SDK signs `URL.hostname` but sends `URL.host`. */
const hostWithoutPort = (host: string): string => host.replace(/:\d+$/, '');

/**
 * Canonical header blocks to try: values as sent (what the SDK signs) and lowercased (what the
 * spec prescribes). Identical for the SDK's default `application/json`.
 */
const canonicalHeaderVariants = (headers: IncomingHttpHeaders, names: readonly string[]): string[] => {
  const asSent = names
    .map((name) => {
      const value = headerValue(headers, name);
      return `${name}:${name === 'host' ? hostWithoutPort(value) : value}\n`;
    })
    .join('');
  const lowered = names
    .map((name) => {
      const value = headerValue(headers, name).toLowerCase();
      return `${name}:${name === 'host' ? hostWithoutPort(value) : value}\n`;
    })
    .join('');
  return asSent === lowered ? [asSent] : [asSent, lowered];
};

const sameSignature = (expectedHex: string, givenHex: string): boolean => {
  const expected = Buffer.from(expectedHex, 'hex');
  const given = Buffer.from(givenHex, 'hex');
  return expected.length === given.length && timingSafeEqual(expected, given);
};

const signatureFailure = () =>
  new ApiError(
    'AuthFailure.SignatureFailure',
    'The provided credentials could not be validated. Please check your signature is correct.',
  );

/**
 * Verifies a TC3-HMAC-SHA256 request exactly as `tencentcloud-sdk-nodejs` signs it: the service
 * from the credential scope (`127` for endpoint `127.0.0.1:PORT`), host without port, the raw body
 * bytes, the UTC date of `X-TC-Timestamp`, and the SignedHeaders list. Returns the SecretId.
 */
export const verifyRequest = (
  request: SignedRequest,
  credentials: readonly EmulatorCredential[],
  nowMs: number,
): string => {
  const authorization = parseAuthorization(headerValue(request.headers, 'authorization') || undefined);
  if (!authorization.ok) {
    throw new ApiError(
      'AuthFailure.InvalidAuthorization',
      `The Authorization header is not a valid TC3-HMAC-SHA256 authorization: ${authorization.reason}.`,
    );
  }
  const auth = authorization.value;
  const rawTimestamp = headerValue(request.headers, 'x-tc-timestamp');
  if (!rawTimestamp) throw apiErrors.missingParameter('Timestamp');
  if (!/^\d{1,12}$/.test(rawTimestamp)) {
    throw apiErrors.invalidParameter(`The parameter \`Timestamp\` must be an integer Unix time in seconds.`);
  }
  const timestamp = Number(rawTimestamp);
  const credential = credentials.find((candidate) => candidate.secretId === auth.secretId);
  if (!credential) {
    throw new ApiError(
      'AuthFailure.SecretIdNotFound',
      'The SecretId is not found, please ensure that your SecretId is correct.',
    );
  }
  const serverSeconds = Math.floor(nowMs / 1000);
  if (Math.abs(serverSeconds - timestamp) > MAX_CLOCK_SKEW_SECONDS) {
    throw new ApiError(
      'AuthFailure.SignatureExpire',
      `Signature expired. Timestamp and server time cannot differ by more than five minutes (Timestamp ${timestamp}, server time ${serverSeconds}).`,
    );
  }
  if (auth.date !== utcDate(timestamp)) throw signatureFailure();
  const queryAt = request.url.indexOf('?');
  const canonicalUri = queryAt === -1 ? request.url : request.url.slice(0, queryAt);
  const canonicalQueryString = queryAt === -1 ? '' : request.url.slice(queryAt + 1);
  const signedHeaders = auth.signedHeaders.join(';');
  const matches = canonicalHeaderVariants(request.headers, auth.signedHeaders).some((canonicalHeaders) =>
    sameSignature(
      tc3Signature({
        method: request.method,
        canonicalUri,
        canonicalQueryString,
        canonicalHeaders,
        signedHeaders,
        payload: request.body,
        timestamp,
        service: auth.service,
        secretKey: credential.secretKey,
      }),
      auth.signature,
    ),
  );
  if (!matches) throw signatureFailure();
  return credential.secretId;
};
