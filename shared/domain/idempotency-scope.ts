import { requestIdFor } from '#shared/domain/idempotency.ts';
import type { Requester } from '#shared/domain/replica-request.ts';
import { ValidationError } from '#shared/errors.ts';

/**
 * Whose namespace an idempotency key is in (DESIGN.md, "Scopes and roles"; as Stripe scopes a key to
 * the account that sent it). Read from the requester the ingress recorded, which each source fills
 * from what it authenticated, so the scope and the recorded owner can never disagree:
 *
 * | source                                                   | scope                | owner read from            |
 * | -------------------------------------------------------- | -------------------- | -------------------------- |
 * | API                                                      | `api:<key name>`     | `identity` (the key name)  |
 * | Slack                                                    | `slack:<team id>`    | `context.team`             |
 * | Jira                                                     | `jira:<site host>`   | `context.site`             |
 * | `alertmanager`, `tencent-monitor`, `cloudwatch`, `grafana` | the source's name  | `source`                   |
 */
export type IdempotencyScope = string;

/** The Jira scope of a ticket whose webhook names no site (`issue.self`). */
export const UNNAMED_JIRA_SITE = 'default';

/** A scope part may not hold control characters: `scope + "\n" + key` must read back one way. */
const PRINTABLE = /^[\x20-\x7e]+$/;

const part = (value: string | undefined, field: string): string => {
  if (value !== undefined && PRINTABLE.test(value)) return value;
  throw new ValidationError(`The requester has no usable ${field}`, [
    { field, message: 'required: 1 or more printable ASCII characters (it scopes the idempotency key)' },
  ]);
};

/** The scope of a request's idempotency key: the caller that sent it. */
export const idempotencyScopeOf = (requester: Requester): IdempotencyScope => {
  switch (requester.source) {
    case 'api':
      return `api:${part(requester.identity, 'requester.identity')}`;
    case 'slack':
      return `slack:${part(requester.context?.team, 'requester.context.team')}`;
    case 'jira':
      return `jira:${part(requester.context?.site ?? UNNAMED_JIRA_SITE, 'requester.context.site')}`;
    default:
      return requester.source;
  }
};

/**
 * Whether a record written before scopes (keyed by the key alone) was made by the caller now using
 * the same key: the same API key name, Slack team or alert source. Jira records of then name no site;
 * a deployment took one site's webhooks (one secret), so any Jira record of then is its site's.
 */
export const ownsLegacyRecord = (scope: IdempotencyScope, legacyRequester: Requester): boolean => {
  if (legacyRequester.source === 'jira' && legacyRequester.context?.site === undefined) {
    return scope.startsWith('jira:');
  }
  try {
    return idempotencyScopeOf(legacyRequester) === scope;
  } catch {
    return false;
  }
};

/** The id of a stored request: its key in the namespace of its requester. */
export const requestIdOf = (request: {
  readonly requester: Requester;
  readonly idempotencyKey: string;
}): string => requestIdFor(idempotencyScopeOf(request.requester), request.idempotencyKey);
