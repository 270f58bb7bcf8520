import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string | Buffer): Buffer => createHash('sha256').update(value).digest();

/**
 * Compares a presented credential with the expected one in constant time: both are hashed first,
 * so neither the content nor the length of the secret leaks through timing. `undefined` (nothing
 * presented, or nothing configured) never matches.
 */
export const sameSecret = (
  presented: string | Buffer | undefined,
  expected: string | Buffer | undefined,
): boolean => {
  const ok = timingSafeEqual(digest(presented ?? ''), digest(expected ?? ''));
  return ok && presented !== undefined && expected !== undefined && expected.length > 0;
};

/** The token of `Authorization: Bearer <token>`, or undefined. */
export const bearerToken = (authorization: string | undefined): string | undefined =>
  /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];

/** The user and password of `Authorization: Basic <base64(user:password)>`, or undefined. */
export const basicCredentials = (
  authorization: string | undefined,
): { readonly user: string; readonly password: string } | undefined => {
  const encoded = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '')?.[1];
  if (!encoded) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator < 0) return undefined;
  return { user: decoded.slice(0, separator), password: decoded.slice(separator + 1) };
};
