import { deliverOnce } from '#shared/adapters/http-delivery.ts';
import {
  jiraCompletionComment,
  jiraUnreadableTicketComment,
} from '#shared/adapters/jira/jira-completion-comment.ts';
import { jiraErrorText } from '#shared/adapters/jira/jira-error-text.ts';
import { ConfigError } from '#shared/errors.ts';
import type { TicketCommenter } from '#shared/ports/source-notifier.ts';
import type { DeliveryResult } from '#shared/ports/webhook-sender.ts';

export interface JiraCommenterOptions {
  /** `https://your-site.atlassian.net` (Jira Data Center: with its context path). Never taken from a payload. */
  readonly baseUrl: string;
  /** Jira Cloud: the API token's account e-mail, for Basic auth. Without it the token is sent as Bearer (a Data Center PAT). */
  readonly email?: string;
  readonly apiToken: string;
  readonly timeoutMs?: number;
  /** For the immediate "could not read this ticket" comment made while Jira waits for the webhook answer. */
  readonly rejectTimeoutMs?: number;
  readonly fetch?: typeof fetch;
}

/**
 * Comments on Jira issues through REST API v2 (`POST /rest/api/2/issue/{key}/comment`, wiki-markup
 * body), authenticated with Basic `email:token` (Cloud) or Bearer (Data Center personal access
 * token). One attempt per call; never throws; the token never appears in a result.
 */
export const createJiraCommenter = (options: JiraCommenterOptions): TicketCommenter => {
  let base: URL;
  try {
    base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
  } catch {
    throw new ConfigError('JIRA_BASE_URL is not an absolute URL');
  }
  if (!options.apiToken) throw new ConfigError('The Jira commenter needs JIRA_API_TOKEN');
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const authorization = options.email
    ? `Basic ${Buffer.from(`${options.email}:${options.apiToken}`).toString('base64')}`
    : `Bearer ${options.apiToken}`;
  const secrets = [options.apiToken, authorization.split(' ')[1]];

  const comment = (issueKey: string | undefined, body: string, timeoutMs: number): Promise<DeliveryResult> =>
    deliverOnce(
      async (signal) => {
        if (!issueKey || !/^[A-Z][A-Z0-9_]*-\d+$/.test(issueKey)) {
          return { ok: false, error: 'the request records no Jira issue key to comment on' };
        }
        const url = new URL(`rest/api/2/issue/${encodeURIComponent(issueKey)}/comment`, base);
        const response = await fetchImpl(url, {
          method: 'POST',
          redirect: 'manual',
          signal,
          headers: { authorization, accept: 'application/json', 'content-type': 'application/json' },
          body: JSON.stringify({ body }),
        });
        const { status } = response;
        const text = await response.text().catch(() => '');
        if (status >= 200 && status < 300) return { ok: true, status };
        return { ok: false, status, error: `HTTP ${status}: ${jiraErrorText(text)}` };
      },
      { timeoutMs, secrets },
    );

  return {
    notify: (completion) =>
      comment(
        completion.requester.context?.issueKey,
        jiraCompletionComment(completion),
        options.timeoutMs ?? 10_000,
      ),
    rejectTicket: (issueKey, problems) =>
      comment(issueKey, jiraUnreadableTicketComment(problems), options.rejectTimeoutMs ?? 3000),
  };
};
