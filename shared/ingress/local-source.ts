import { randomBytes } from 'node:crypto';
import type * as z from '#shared/util/zod-mini.ts';

/**
 * A source's local-only pieces, `shared/ingress/<source>/source-local.ts`, loaded by the local stack
 * only (local/stack/local-source-list.ts; no function imports them): its development credentials
 * (generated once per data folder and kept in its `local-credentials.json`), the settings the local
 * stack gives it from them, the lines `npm start` prints about it, and the variables that, set for
 * `npm start`, replace those settings with the environment's (as in AWS).
 */
export interface LocalSource<Credentials extends Record<string, string>, Settings> {
  readonly id: string;
  /** Each credential's rule, by its name in `local-credentials.json` (names unique across sources). */
  readonly credentials: { readonly [Name in keyof Credentials]: z.ZodMiniType<string> };
  generate(): Credentials;
  settings(credentials: Credentials): Settings;
  /** What `up` prints: where the source posts and with which local credential. */
  lines(ingressUrl: string, credentials: Credentials): string[];
  readonly fromEnvironmentWhenSet: readonly string[];
}

/** A random development credential, `<prefix>_<24 base64url characters>`. */
export const localToken = (prefix: string): string => `${prefix}_${randomBytes(18).toString('base64url')}`;
