import { sameSecret } from '#shared/http/constant-time.ts';
import { hmacSha256Hex } from '#shared/http/hmac-signature.ts';
import { unauthorized } from '#shared/http/http-error.ts';
import { logger } from '#shared/logger.ts';

/**
 * Jira admin webhooks with a secret send `X-Hub-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>`
 * (the WebSub form). Compared in constant time; every failure is the same 401, and the log says
 * which check failed, never a value. Jira signs no timestamp, so there is no replay window: repeats
 * are absorbed by the idempotency key (the issue key) instead.
 */
export const verifyJiraSignature = (
  rawBody: Buffer,
  signatureHeader: string | undefined,
  secret: string,
): void => {
  const presented = /^sha256=([0-9a-fA-F]{64})$/.exec(signatureHeader?.trim() ?? '')?.[1];
  if (!presented) {
    logger.warn('jira: request refused', {
      reason: signatureHeader ? 'malformed signature' : 'missing signature',
    });
    throw unauthorized();
  }
  if (!sameSecret(presented.toLowerCase(), hmacSha256Hex(secret, rawBody))) {
    logger.warn('jira: request refused', { reason: 'signature mismatch' });
    throw unauthorized();
  }
};
