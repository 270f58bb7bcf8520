import { randomBytes } from 'node:crypto';
import { sendJson, startStubServer, waitForItem } from '#test/support/stub-server.ts';

export interface JiraStubComment {
  readonly issueKey: string;
  readonly body: string;
  readonly receivedAt: number;
}

export interface JiraStub {
  /** `JIRA_BASE_URL` for the stub. */
  readonly baseUrl: string;
  readonly email: string;
  readonly apiToken: string;
  readonly comments: JiraStubComment[];
  readonly refused: string[];
  /** Answer the next `count` comment calls with `status` (Jira's error body). */
  failNext(count: number, status?: number): void;
  /** Each group lookup's account id, in order (`GET /rest/api/3/user/groups?accountId=`). */
  readonly lookups: string[];
  /** The groups `accountId` is a member of, as Jira Cloud answers them; an account never set is unknown (404). */
  setGroups(accountId: string, groups: readonly { name: string; groupId?: string }[]): void;
  /** Answer the next `count` group lookups with `status`, or (`'hang'`) never. */
  failNextLookups(count: number, status?: number | 'hang'): void;
  waitFor(
    issueKey: string,
    predicate: (comment: JiraStubComment) => boolean,
    timeoutMs: number,
  ): Promise<JiraStubComment>;
  close(): Promise<void>;
}

/**
 * A Jira Cloud REST API stand-in on 127.0.0.1: `POST /rest/api/2/issue/{key}/comment` with Basic
 * `email:token` and `{body}`, answering 201 with the comment as Jira does (401 for bad credentials,
 * 400 `{errorMessages, errors}` for a bad body); and `GET /rest/api/3/user/groups?accountId=`,
 * answering `[{name, groupId, self}]` for an account given `setGroups` (404 for any other).
 */
export const startJiraStub = async (): Promise<JiraStub> => {
  const email = 'replica-flow@example.com';
  const apiToken = `ATATT${randomBytes(12).toString('hex')}`;
  const expected = `Basic ${Buffer.from(`${email}:${apiToken}`).toString('base64')}`;
  const comments: JiraStubComment[] = [];
  const refused: string[] = [];
  let failures = 0;
  let failureStatus = 503;
  let nextId = 10_000;
  const lookups: string[] = [];
  const memberships = new Map<string, readonly { name: string; groupId?: string }[]>();
  let lookupFailures = 0;
  let lookupFailure: number | 'hang' = 503;
  const server = await startStubServer((request, body, response) => {
    const url = new URL(request.url ?? '/', 'http://stub');
    if (url.pathname === '/rest/api/3/user/groups') {
      const accountId = url.searchParams.get('accountId') ?? '';
      lookups.push(accountId);
      if (lookupFailures > 0) {
        lookupFailures -= 1;
        if (lookupFailure === 'hang') return; // the caller's timeout ends it
        return sendJson(response, lookupFailure, { errorMessages: ['Service unavailable'], errors: {} });
      }
      if (request.method !== 'GET') return sendJson(response, 405, { errorMessages: ['Method Not Allowed'] });
      if (request.headers.authorization !== expected) {
        refused.push('unauthorized');
        return sendJson(response, 401, { errorMessages: ['You are not authenticated.'], errors: {} });
      }
      const groups = memberships.get(accountId);
      if (!groups) {
        return sendJson(response, 404, {
          errorMessages: [`The user with account ID '${accountId}' does not exist`],
          errors: {},
        });
      }
      return sendJson(
        response,
        200,
        groups.map((group) => ({
          name: group.name,
          groupId: group.groupId ?? null,
          self: `${server.url}/rest/api/3/group?groupId=${group.groupId ?? ''}`,
        })),
      );
    }
    const match = /^\/rest\/api\/2\/issue\/([A-Z][A-Z0-9_]*-\d+)\/comment$/.exec(request.url ?? '');
    if (request.method !== 'POST' || !match?.[1]) {
      return sendJson(response, 404, {
        errorMessages: ['Issue does not exist or you do not have permission to see it.'],
        errors: {},
      });
    }
    if (failures > 0) {
      failures -= 1;
      return sendJson(response, failureStatus, { errorMessages: ['Service unavailable'], errors: {} });
    }
    if (request.headers.authorization !== expected) {
      refused.push('unauthorized');
      return sendJson(response, 401, { errorMessages: ['You are not authenticated.'], errors: {} });
    }
    let payload: { body?: unknown };
    try {
      payload = JSON.parse(body) as typeof payload;
    } catch {
      refused.push('invalid JSON');
      return sendJson(response, 400, { errorMessages: ['Unexpected character'], errors: {} });
    }
    if (typeof payload.body !== 'string' || !payload.body) {
      refused.push('no body');
      return sendJson(response, 400, {
        errorMessages: [],
        errors: { comment: 'Comment body can not be empty!' },
      });
    }
    nextId += 1;
    comments.push({ issueKey: match[1], body: payload.body, receivedAt: Date.now() });
    sendJson(response, 201, {
      self: `${server.url}/rest/api/2/issue/${match[1]}/comment/${nextId}`,
      id: String(nextId),
      body: payload.body,
      author: { accountId: '5b10ac8d82e05b22cc7d4ef5', displayName: 'replica-flow' },
      created: new Date().toISOString(),
    });
  });
  return {
    baseUrl: server.url,
    email,
    apiToken,
    comments,
    refused,
    failNext: (count, status = 503) => {
      failures = count;
      failureStatus = status;
    },
    lookups,
    setGroups: (accountId, groups) => {
      memberships.set(accountId, groups);
    },
    failNextLookups: (count, status = 503) => {
      lookupFailures = count;
      lookupFailure = status;
    },
    waitFor: (issueKey, predicate, timeoutMs) =>
      waitForItem(
        () => comments.find((comment) => comment.issueKey === issueKey && predicate(comment)),
        timeoutMs,
        `a matching comment on ${issueKey}`,
      ),
    close: server.close,
  };
};
