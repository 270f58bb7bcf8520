import { randomBytes } from 'node:crypto';
import { sendJson, startStubServer, waitForItem } from '#test/support/stub-server.ts';

export interface SlackStubMessage {
  readonly via: 'chat.postMessage' | 'incoming-webhook';
  readonly channel?: string;
  readonly text: string;
  readonly blocks: unknown[];
  readonly receivedAt: number;
}

export interface SlackStub {
  /** `SLACK_API_URL` for the stub: `chat.postMessage` lives under it. */
  readonly apiUrl: string;
  /** An incoming webhook URL on the stub (`/services/T…/B…/secret`). */
  readonly webhookUrl: string;
  readonly botToken: string;
  readonly messages: SlackStubMessage[];
  /** Calls refused because of a bad token or shape (never expected). */
  readonly refused: string[];
  /** Answer the next `count` posts as Slack does when it fails: HTTP 200 `{ok:false, error}`, or an HTTP status. */
  failNext(count: number, failure?: { readonly error?: string; readonly status?: number }): void;
  waitFor(predicate: (message: SlackStubMessage) => boolean, timeoutMs: number): Promise<SlackStubMessage>;
  close(): Promise<void>;
}

/**
 * A Slack Web API stand-in on 127.0.0.1: `POST /api/chat.postMessage` (Bearer bot token, JSON
 * `{channel, text, blocks}`, answers `{ok, channel, ts}` or `{ok:false, error}` with HTTP 200 as
 * Slack does) and an incoming webhook (answers `ok` as text).
 */
export const startSlackStub = async (): Promise<SlackStub> => {
  const botToken = `xoxb-${randomBytes(6).toString('hex')}-stub`;
  const webhookPath = `/services/T0STUB0001/B0STUB0001/${randomBytes(12).toString('hex')}`;
  const messages: SlackStubMessage[] = [];
  const refused: string[] = [];
  let failures = 0;
  let failure: { readonly error?: string; readonly status?: number } = {};
  const server = await startStubServer((request, body, response) => {
    const isApi = request.url === '/api/chat.postMessage';
    if (request.method !== 'POST' || (!isApi && request.url !== webhookPath)) {
      response.writeHead(404).end('no_service');
      return;
    }
    if (failures > 0) {
      failures -= 1;
      if (failure.status) response.writeHead(failure.status).end();
      else sendJson(response, 200, { ok: false, error: failure.error ?? 'internal_error' });
      return;
    }
    let payload: { channel?: unknown; text?: unknown; blocks?: unknown };
    try {
      payload = JSON.parse(body) as typeof payload;
    } catch {
      refused.push('invalid JSON');
      return isApi
        ? sendJson(response, 200, { ok: false, error: 'invalid_json' })
        : response.writeHead(400).end('invalid_payload');
    }
    if (isApi && request.headers.authorization !== `Bearer ${botToken}`) {
      refused.push('invalid_auth');
      return sendJson(response, 200, { ok: false, error: 'invalid_auth' });
    }
    if (isApi && typeof payload.channel !== 'string') {
      refused.push('channel_not_found');
      return sendJson(response, 200, { ok: false, error: 'channel_not_found' });
    }
    messages.push({
      via: isApi ? 'chat.postMessage' : 'incoming-webhook',
      ...(typeof payload.channel === 'string' ? { channel: payload.channel } : {}),
      text: String(payload.text ?? ''),
      blocks: Array.isArray(payload.blocks) ? payload.blocks : [],
      receivedAt: Date.now(),
    });
    if (isApi) sendJson(response, 200, { ok: true, channel: payload.channel, ts: `${Date.now() / 1000}` });
    else response.writeHead(200, { 'content-type': 'text/html' }).end('ok');
  });
  return {
    apiUrl: `${server.url}/api`,
    webhookUrl: `${server.url}${webhookPath}`,
    botToken,
    messages,
    refused,
    failNext: (count, how = {}) => {
      failures = count;
      failure = how;
    },
    waitFor: (predicate, timeoutMs) =>
      waitForItem(() => messages.find(predicate), timeoutMs, 'a matching Slack message'),
    close: server.close,
  };
};
