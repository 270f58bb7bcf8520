import { createHash } from 'node:crypto';
import { ConfigError, IdempotencyConflictError, ValidationError } from '#shared/errors.ts';

/**
 * Idempotency keys → request ids, payload fingerprints, and the names and tags that let
 * reconciliation find a replica created for a request (DESIGN.md, "Exactly-once creation").
 */

/**
 * Tag keys starting with this are replica-flow's own (`REQUEST_TAG_KEY` and any it adds later): a
 * request may not carry one (`TagList`), so no caller can make reconciliation misattribute a replica.
 */
export const RESERVED_TAG_PREFIX = 'replica-flow-';

/** Tag key on every replica replica-flow creates; its value is the request id. */
export const REQUEST_TAG_KEY = `${RESERVED_TAG_PREFIX}request-id`;

/** How long terminal records (and so their idempotency keys) are kept: 30 days. */
export const DEFAULT_RETENTION_SECONDS = 30 * 24 * 60 * 60;

const REQUEST_ID_HEX_CHARS = 16;

const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * `r-` + the first 16 hex characters (64 bits) of SHA-256 of `scope + "\n" + key`: a key belongs to
 * the caller that sent it (its scope, `idempotency-scope.ts`), so two callers using the same key get
 * two requests. Deterministic, so the store's conditional put on the request id is the idempotency
 * guard. Neither a scope nor a key holds a line feed, so the pair is read back unambiguously.
 */
export const requestIdFor = (scope: string, idempotencyKey: string): string =>
  `r-${sha256Hex(`${scope}\n${idempotencyKey}`).slice(0, REQUEST_ID_HEX_CHARS)}`;

/**
 * The id records written before scopes were keyed by: SHA-256 of the key alone. Read (never written)
 * so a replay of a pre-upgrade key finds its request (see `submitRequest`).
 */
export const legacyRequestIdFor = (idempotencyKey: string): string =>
  `r-${sha256Hex(idempotencyKey).slice(0, REQUEST_ID_HEX_CHARS)}`;

/** The instance name sent to Tencent: `rf-r-0123456789abcdef` (a valid `Name`, 20 characters). */
export const instanceNameFor = (requestId: string): string => `rf-${requestId}`;

const canonicalValue = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : canonicalValue(item)));
  if (typeof value !== 'object' || value === null) return value;
  const sorted: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(value).sort()) {
    const item = (value as Record<string, unknown>)[key];
    if (item !== undefined) sorted[key] = canonicalValue(item);
  }
  return sorted;
};

/** JSON with object keys sorted at every depth and `undefined` members dropped. */
export const canonicalJson = (value: unknown): string => JSON.stringify(canonicalValue(value)) ?? 'null';

/**
 * SHA-256 (hex) of the request's canonical JSON without `idempotencyKey`: the same key with
 * another hash is a conflict. Everything else, `requester` included, is part of the payload.
 */
export const payloadHash = (request: object): string => {
  const { idempotencyKey: _key, ...payload } = request as { readonly idempotencyKey?: unknown };
  return sha256Hex(canonicalJson(payload));
};

/**
 * A key seen before: the same payload is a replay ('same'); another payload is refused with
 * `IdempotencyConflictError` (as Stripe and the IETF Idempotency-Key draft do).
 */
export const checkReplay = (
  existing: { readonly payloadHash: string; readonly requestId: string },
  incomingHash: string,
  idempotencyKey: string,
): 'same' => {
  if (existing.payloadHash === incomingHash) return 'same';
  throw new IdempotencyConflictError(idempotencyKey, existing.requestId);
};

/** DynamoDB TTL (epoch seconds) of a record that became terminal at `terminalAt`. */
export const expiresAtFor = (
  terminalAt: Date,
  retentionSeconds: number = DEFAULT_RETENTION_SECONDS,
): number => {
  if (!Number.isSafeInteger(retentionSeconds) || retentionSeconds <= 0) {
    throw new ConfigError(
      `retentionSeconds must be a positive whole number of seconds (got ${retentionSeconds})`,
    );
  }
  const terminalSeconds = Math.floor(terminalAt.getTime() / 1000);
  if (!Number.isFinite(terminalSeconds)) {
    throw new ValidationError('terminalAt is not a valid date', [
      { field: 'terminalAt', message: 'is not a valid date' },
    ]);
  }
  return terminalSeconds + retentionSeconds;
};
