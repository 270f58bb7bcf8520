import { deliverOnce, excerpt } from '#shared/adapters/http-delivery.ts';
import {
  type SlackMessage,
  slackCompletionMessage,
} from '#shared/adapters/slack/slack-completion-message.ts';
import { ConfigError } from '#shared/errors.ts';
import type { Completion, SourceNotifier } from '#shared/ports/source-notifier.ts';
import type { DeliveryResult } from '#shared/ports/webhook-sender.ts';

export interface SlackNotifierOptions {
  /** `xoxb-…` bot token: posts with `chat.postMessage` to the channel the command came from. Preferred. */
  readonly botToken?: string;
  /** An incoming webhook URL: posts to the one channel it was created for. */
  readonly webhookUrl?: string;
  /** Slack Web API base URL; default `https://slack.com/api` (tests point it at a stub). */
  readonly apiUrl?: string;
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

const DEFAULT_API_URL = 'https://slack.com/api';

type Attempt = Omit<DeliveryResult, 'durationMs'>;

/** Slack answers Web API calls with HTTP 200 and `{ok:false, error}`; 429 carries `retry-after`. */
const webApiOutcome = async (response: Response): Promise<Attempt> => {
  const { status } = response;
  if (status === 429) {
    await response.body?.cancel().catch(() => undefined);
    return {
      ok: false,
      status,
      error: `rate limited (retry-after ${response.headers.get('retry-after') ?? '?'} s)`,
    };
  }
  const text = await response.text().catch(() => '');
  if (status < 200 || status >= 300) return { ok: false, status, error: `HTTP ${status}: ${excerpt(text)}` };
  let body: { ok?: unknown; error?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return { ok: false, status, error: 'Slack answered with something other than JSON' };
  }
  return body.ok === true
    ? { ok: true, status }
    : { ok: false, status, error: `Slack error: ${String(body.error)}` };
};

/** Incoming webhooks answer `ok` as plain text, or an error word (`channel_is_archived`, `invalid_payload`…). */
const incomingWebhookOutcome = async (response: Response): Promise<Attempt> => {
  const { status } = response;
  const text = (await response.text().catch(() => '')).trim();
  if (status >= 200 && status < 300) return { ok: true, status };
  return { ok: false, status, error: `HTTP ${status}: ${excerpt(text)}` };
};

/**
 * The channel a completion is posted to: a Slack request's own channel (where the command was typed);
 * for any other request, the approvals channel recorded on its approval when it started waiting
 * (`approval.announceIn`), never one re-read from the policy.
 */
const channelOf = (completion: Completion): string | undefined =>
  completion.requester.source === 'slack'
    ? completion.requester.context?.channel
    : completion.approval?.announceIn?.slackChannel;

/**
 * Posts request completions to Slack: with a bot token, `chat.postMessage` to the channel recorded on
 * the request (the slash command's `response_url` expires after 30 minutes, provisioning can take
 * longer; a request not made in Slack goes to the approvals channel recorded on its approval);
 * otherwise to the configured incoming webhook, which only a Slack request's completion may use (it
 * posts to its one channel, not to an approvals channel). One attempt per call; retries belong to the
 * notify queue. Never throws; the token and the webhook URL never appear in a result.
 */
export const createSlackNotifier = (options: SlackNotifierOptions): SourceNotifier => {
  if (!options.botToken && !options.webhookUrl) {
    throw new ConfigError('The Slack notifier needs SLACK_BOT_TOKEN or SLACK_WEBHOOK_URL');
  }
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const apiUrl = (options.apiUrl ?? DEFAULT_API_URL).replace(/\/+$/, '');
  const delivery = {
    timeoutMs: options.timeoutMs ?? 10_000,
    secrets: [options.botToken, options.webhookUrl],
  };

  const post = (url: string, body: unknown, signal: AbortSignal, headers: Record<string, string> = {}) =>
    fetchImpl(url, {
      method: 'POST',
      redirect: 'manual',
      signal,
      headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
      body: JSON.stringify(body),
    });

  const send = (completion: Completion, message: SlackMessage): Promise<DeliveryResult> =>
    deliverOnce(async (signal) => {
      if (options.botToken) {
        const channel = channelOf(completion);
        if (!channel) return { ok: false, error: 'the request records no Slack channel to post to' };
        const response = await post(
          `${apiUrl}/chat.postMessage`,
          { channel, ...message, unfurl_links: false, unfurl_media: false },
          signal,
          { authorization: `Bearer ${options.botToken}` },
        );
        return webApiOutcome(response);
      }
      if (completion.requester.source !== 'slack') {
        return {
          ok: false,
          error:
            'posting to the approvals channel needs SLACK_BOT_TOKEN: an incoming webhook posts only to its own channel',
        };
      }
      return incomingWebhookOutcome(await post(options.webhookUrl as string, message, signal));
    }, delivery);

  return { notify: (completion) => send(completion, slackCompletionMessage(completion)) };
};
