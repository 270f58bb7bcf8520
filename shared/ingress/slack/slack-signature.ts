import { sameSecret } from '#shared/http/constant-time.ts';
import { hmacSha256Hex } from '#shared/http/hmac-signature.ts';
import { unauthorized } from '#shared/http/http-error.ts';
import { logger } from '#shared/logger.ts';

export interface SlackSignedRequest {
  /** The exact bytes received: the signature covers them, not a re-encoded form. */
  readonly rawBody: Buffer;
  /** `X-Slack-Request-Timestamp` (unix seconds). */
  readonly timestamp: string | undefined;
  /** `X-Slack-Signature` (`v0=<hex>`). */
  readonly signature: string | undefined;
}

/**
 * Slack's request signing (v0): `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{raw body}` with the
 * signing secret, compared in constant time, and the timestamp within `windowSeconds` of `now` so a
 * captured request cannot be replayed later. Every failure is the same 401; the log says which check
 * failed, never a value.
 */
export const verifySlackSignature = (
  request: SlackSignedRequest,
  secret: string,
  now: Date,
  windowSeconds: number,
): void => {
  const refuse = (reason: string) => {
    logger.warn('slack: request refused', { reason });
    return unauthorized();
  };
  const { timestamp, signature } = request;
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) throw refuse('missing or malformed timestamp');
  if (!signature) throw refuse('missing signature');
  const skewSeconds = Math.abs(now.getTime() / 1000 - Number(timestamp));
  if (skewSeconds > windowSeconds) throw refuse('timestamp outside the replay window');
  const expected = `v0=${hmacSha256Hex(secret, `v0:${timestamp}:`, request.rawBody)}`;
  if (!sameSecret(signature.trim(), expected)) throw refuse('signature mismatch');
};
