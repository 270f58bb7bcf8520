import { createHash, timingSafeEqual } from 'node:crypto';
import { ConfigError } from '#shared/errors.ts';
import { bearerToken } from '#shared/http/constant-time.ts';
import { unauthorized } from '#shared/http/http-error.ts';
import * as z from '#shared/util/zod-mini.ts';

/**
 * What an API key may do (DESIGN.md, "Scopes and roles"):
 * - `submitter` submits, and sees only the requests its key name made;
 * - `reader` sees every request (Slack-, Jira- and alert-made ones included) and submits nothing;
 * - `approver` submits, sees every request, and decides approvals (`POST /v1/replica-requests/{id}/approval`);
 * - `admin` submits, sees every request and decides approvals (explicit prepaid removals will be its own).
 */
export const API_KEY_ROLES = ['submitter', 'reader', 'approver', 'admin'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

/** The caller an API key authenticates: its name (the requester identity and idempotency scope) and role. */
export interface ApiCaller {
  readonly name: string;
  readonly role: ApiKeyRole;
}

export interface ApiKey extends ApiCaller {
  readonly digest: Buffer;
}

const SUBMITTING_ROLES: ReadonlySet<ApiKeyRole> = new Set(['submitter', 'approver', 'admin']);
const SEEING_ALL_ROLES: ReadonlySet<ApiKeyRole> = new Set(['reader', 'approver', 'admin']);

const APPROVING_ROLES: ReadonlySet<ApiKeyRole> = new Set(['approver', 'admin']);

export const maySubmit = (caller: ApiCaller): boolean => SUBMITTING_ROLES.has(caller.role);

/** Whether the caller may see data across every requester's requests (the fleet view). */
export const maySeeAll = (caller: ApiCaller): boolean => SEEING_ALL_ROLES.has(caller.role);
/** Whether the caller's role may decide approvals (the policy's `approval.approvers.apiKeys` must allow keys too). */
export const mayDecideApprovals = (caller: ApiCaller): boolean => APPROVING_ROLES.has(caller.role);

/** Whether the caller may see a request made by `requester`: its own, or any with a role that sees all. */
export const maySee = (
  caller: ApiCaller,
  requester: { readonly source: string; readonly identity: string },
): boolean =>
  SEEING_ALL_ROLES.has(caller.role) || (requester.source === 'api' && requester.identity === caller.name);

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** One entry of `REPLICA_FLOW_API_KEYS`, split on `:` (a key may therefore not hold one). */
const apiKeyEntrySchema = z.strictObject({
  name: z
    .string()
    .check(
      z.minLength(1),
      z.maxLength(128),
      z.regex(/^[A-Za-z0-9._@/+-]+$/, { error: 'may contain only letters, digits and . _ @ / + -' }),
    ),
  key: z.string().check(z.minLength(16, { error: 'must be at least 16 characters' })),
  role: z.enum(API_KEY_ROLES, { error: `must be one of ${API_KEY_ROLES.join(', ')}` }),
});

const entryParts = (entry: string, index: number): Record<string, string | undefined> => {
  const parts = entry.split(':');
  if (parts.length === 1) return { name: `api-key-${index + 1}`, key: parts[0], role: 'submitter' };
  if (parts.length === 2) return { name: parts[0], key: parts[1], role: 'submitter' };
  if (parts.length === 3) return { name: parts[0], key: parts[1], role: parts[2] };
  return { name: parts[0], key: undefined, role: undefined };
};

/** `entry 2 ("billing")`: the entry's position and name, never its key. */
const entryLabel = (index: number, name: string | undefined): string =>
  `REPLICA_FLOW_API_KEYS entry ${index + 1}${name ? ` (${JSON.stringify(name.slice(0, 64))})` : ''}`;

const parseEntry = (entry: string, index: number): ApiKey => {
  const parts = entryParts(entry, index);
  if (parts.key === undefined) {
    throw new ConfigError(
      `${entryLabel(index, parts.name)}: must be key, name:key or name:key:role (a key may not contain ":")`,
    );
  }
  const parsed = apiKeyEntrySchema.safeParse(parts);
  if (!parsed.success) {
    // Issues name the part and the rule; the input (the key itself) is never put in the message.
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
    throw new ConfigError(`${entryLabel(index, parts.name)}: ${problems}`);
  }
  const { name, key, role } = parsed.data;
  return { name, role, digest: digest(key) };
};

/**
 * `REPLICA_FLOW_API_KEYS`: comma-separated `name:key:role` entries; `name:key` is a `submitter`, and a
 * bare key is the submitter `api-key-N`. Two entries may share a name (a rotation: both keys are the
 * same caller), never a key. Only digests are kept in memory; errors name the entry, never the key.
 */
export const parseApiKeys = (setting: string | undefined): readonly ApiKey[] => {
  const keys = (setting ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map(parseEntry);
  keys.forEach((key, index) => {
    const first = keys.findIndex((other) => other.digest.equals(key.digest));
    if (first !== index) {
      throw new ConfigError(
        `${entryLabel(index, key.name)}: repeats the key of entry ${first + 1}: each key must be unique`,
      );
    }
  });
  return keys;
};

/** Checks `Authorization: Bearer <key>` in constant time against every key; returns the key's caller. */
export const authenticateBearer = (authorization: string | undefined, keys: readonly ApiKey[]): ApiCaller => {
  const token = bearerToken(authorization);
  const presented = digest(token ?? '');
  let caller: ApiCaller | undefined;
  // Every key is compared (no early exit), so the timing says nothing about which one matched.
  for (const key of keys) {
    if (timingSafeEqual(presented, key.digest) && token !== undefined) {
      caller ??= { name: key.name, role: key.role };
    }
  }
  if (!caller) throw unauthorized();
  return caller;
};
