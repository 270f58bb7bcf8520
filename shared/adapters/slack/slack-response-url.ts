import { deliverOnce, excerpt } from '#shared/adapters/http-delivery.ts';
import type { SlackMessage } from '#shared/adapters/slack/slack-completion-message.ts';
import type { DeliveryResult } from '#shared/ports/webhook-sender.ts';

/** Slack's `response_url`s: the only hosts an interaction's reply is posted to outside local mode. */
const SLACK_RESPONSE_HOST = 'hooks.slack.com';

/** Whether `url` may be posted to: `https://hooks.slack.com/…`, or any http(s) URL in local mode. */
export const isSlackResponseUrl = (url: string, localMode: boolean): boolean => {
  if (!URL.canParse(url)) return false;
  const parsed = new URL(url);
  if (localMode) return parsed.protocol === 'https:' || parsed.protocol === 'http:';
  return parsed.protocol === 'https:' && parsed.host === SLACK_RESPONSE_HOST;
};

/**
 * Replaces the message an interaction came from (`replace_original`) through its `response_url`
 * (valid 30 minutes, 5 posts; no token: the URL is the capability, so it is never logged). One
 * attempt within `timeoutMs`; never throws.
 */
export const replaceOriginal = (
  responseUrl: string,
  message: SlackMessage,
  options: { readonly timeoutMs: number; readonly fetch?: typeof fetch } = { timeoutMs: 2000 },
): Promise<DeliveryResult> =>
  deliverOnce(
    async (signal) => {
      const response = await (options.fetch ?? globalThis.fetch)(responseUrl, {
        method: 'POST',
        redirect: 'manual',
        signal,
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ replace_original: true, ...message }),
      });
      const text = await response.text().catch(() => '');
      return response.ok
        ? { ok: true, status: response.status }
        : { ok: false, status: response.status, error: `HTTP ${response.status}: ${excerpt(text)}` };
    },
    { timeoutMs: options.timeoutMs, secrets: [responseUrl] },
  );
