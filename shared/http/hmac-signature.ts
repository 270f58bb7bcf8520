import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Hex HMAC-SHA256 of the parts, in order, with `secret` as the key. */
export const hmacSha256Hex = (secret: string, ...parts: readonly (string | Buffer)[]): string => {
  const hmac = createHmac('sha256', secret);
  for (const part of parts) hmac.update(part);
  return hmac.digest('hex');
};

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Compares a presented signature with the expected one in constant time. Both are hashed first, so
 * neither where they differ nor a difference in length shows in the timing. Nothing presented never matches.
 */
export const signatureMatches = (presented: string | undefined, expected: string): boolean =>
  timingSafeEqual(digest(presented ?? ''), digest(expected)) && presented !== undefined && expected !== '';
