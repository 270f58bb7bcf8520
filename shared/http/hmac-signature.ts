import { createHmac } from 'node:crypto';

/** Hex HMAC-SHA256 of the parts, in order, with `secret` as the key. */
export const hmacSha256Hex = (secret: string, ...parts: readonly (string | Buffer)[]): string => {
  const hmac = createHmac('sha256', secret);
  for (const part of parts) hmac.update(part);
  return hmac.digest('hex');
};
