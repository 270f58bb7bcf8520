import { createHash, timingSafeEqual } from 'node:crypto';
import { ConfigError } from '#shared/errors.ts';
import { bearerToken } from '#shared/http/constant-time.ts';
import { unauthorized } from '#shared/http/http-error.ts';

export interface ApiKey {
  /** Who the key belongs to; recorded as the requester's identity. */
  readonly name: string;
  readonly digest: Buffer;
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * `REPLICA_FLOW_API_KEYS`: comma-separated `name:key` pairs (a bare key is named `api-key-N`).
 * Only digests are kept in memory.
 */
export const parseApiKeys = (setting: string | undefined): readonly ApiKey[] => {
  const entries = (setting ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  return entries.map((entry, index) => {
    const separator = entry.indexOf(':');
    const name = separator > 0 ? entry.slice(0, separator) : `api-key-${index + 1}`;
    const key = separator > 0 ? entry.slice(separator + 1) : entry;
    if (key.length < 16)
      throw new ConfigError(`REPLICA_FLOW_API_KEYS entry ${index + 1}: keys must be at least 16 characters`);
    return { name, digest: digest(key) };
  });
};

/** Checks `Authorization: Bearer <key>` in constant time against every key; returns the key's name. */
export const authenticateBearer = (authorization: string | undefined, keys: readonly ApiKey[]): string => {
  const token = bearerToken(authorization);
  const presented = digest(token ?? '');
  let name: string | undefined;
  // Every key is compared (no early exit), so the timing says nothing about which one matched.
  for (const key of keys) {
    if (timingSafeEqual(presented, key.digest) && token !== undefined) name ??= key.name;
  }
  if (!name) throw unauthorized();
  return name;
};
