import { deliverOnce, excerpt } from '#shared/adapters/http-delivery.ts';
import { jiraErrorText } from '#shared/adapters/jira/jira-error-text.ts';
import { ConfigError } from '#shared/errors.ts';
import type { JiraDirectory, JiraGroup, JiraGroupsLookup } from '#shared/ports/jira-directory.ts';
import * as z from '#shared/util/zod-mini.ts';

export interface JiraDirectoryOptions {
  /** `https://your-site.atlassian.net`. Never taken from a payload. */
  readonly baseUrl: string;
  /** The API token's account e-mail, for Basic auth. Without it the token is sent as Bearer. */
  readonly email?: string;
  readonly apiToken: string;
  /** One attempt, at most this long (default 3 s: Jira waits for the webhook's answer meanwhile). */
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

/** `GET /rest/api/3/user/groups` answers `[{name, groupId, self}]` (groupId may be null on old sites). */
const userGroupsSchema = z.array(
  z.object({
    name: z.string().check(z.minLength(1)),
    groupId: z.optional(z.nullable(z.string())),
  }),
);

/** Jira Cloud account ids: `5b10ac8d82e05b22cc7d4ef5`, `712020:1f4d6c1e-…` (never a path or a query). */
const ACCOUNT_ID = /^[A-Za-z0-9:_-]{1,128}$/;

/**
 * Reads an account's groups from Jira Cloud's REST API v3 (`GET /rest/api/3/user/groups?accountId=`,
 * which needs the "Browse users and groups" global permission), authenticated like the commenter:
 * Basic `email:token`, or Bearer without an e-mail. One attempt with a timeout; never throws: a
 * refusal, a timeout or an unreadable answer is `{ok: false, error}`, and the token never appears in it.
 */
export const createJiraDirectory = (options: JiraDirectoryOptions): JiraDirectory => {
  let base: URL;
  try {
    base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
  } catch {
    throw new ConfigError('JIRA_BASE_URL is not an absolute URL');
  }
  if (!options.apiToken) throw new ConfigError('The Jira directory needs JIRA_API_TOKEN');
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const authorization = options.email
    ? `Basic ${Buffer.from(`${options.email}:${options.apiToken}`).toString('base64')}`
    : `Bearer ${options.apiToken}`;
  const secrets = [options.apiToken, authorization.split(' ')[1]];
  const timeoutMs = options.timeoutMs ?? 3000;

  return {
    groupsOf: async (accountId) => {
      if (!ACCOUNT_ID.test(accountId)) {
        return { ok: false, error: `${excerpt(accountId, 40)} is not a Jira Cloud account id` };
      }
      let groups: readonly JiraGroup[] = [];
      const result = await deliverOnce(
        async (signal) => {
          const url = new URL('rest/api/3/user/groups', base);
          url.searchParams.set('accountId', accountId);
          const response = await fetchImpl(url, {
            method: 'GET',
            redirect: 'manual',
            signal,
            headers: { authorization, accept: 'application/json' },
          });
          const { status } = response;
          const text = await response.text();
          if (status < 200 || status >= 300) {
            return { ok: false, status, error: `HTTP ${status}: ${jiraErrorText(text)}` };
          }
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            return { ok: false, status, error: `HTTP ${status}: the answer is not JSON: ${excerpt(text)}` };
          }
          const parsed = userGroupsSchema.safeParse(json);
          if (!parsed.success) {
            const issue = parsed.error.issues[0];
            return {
              ok: false,
              status,
              error: `HTTP ${status}: the answer is not a list of groups (${issue?.path.join('.') || '(root)'}: ${issue?.message})`,
            };
          }
          groups = parsed.data.map(({ name, groupId }) => ({ name, ...(groupId ? { groupId } : {}) }));
          return { ok: true, status };
        },
        { timeoutMs, secrets },
      );
      const lookup: JiraGroupsLookup = result.ok
        ? { ok: true, groups }
        : {
            ok: false,
            error: `Jira's groups of ${accountId} could not be read: ${result.error ?? 'no answer'}`,
            ...(result.status !== undefined ? { status: result.status } : {}),
          };
      return lookup;
    },
  };
};
