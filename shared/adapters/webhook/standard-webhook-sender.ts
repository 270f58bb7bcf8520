import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Webhook } from 'standardwebhooks';
import { createPinnedPost, type PinnedPost } from '#shared/adapters/webhook/pinned-post.ts';
import { type CallbackUrlRules, checkCallbackUrl } from '#shared/domain/callback-url.ts';
import { isLoopbackAddress, isPrivateAddress } from '#shared/domain/private-address.ts';
import { ConfigError } from '#shared/errors.ts';
import { type Clock, systemClock } from '#shared/ports/clock.ts';
import type { DeliveryResult, WebhookMessage, WebhookSender } from '#shared/ports/webhook-sender.ts';
import packageJson from '../../../package.json' with { type: 'json' };

export interface StandardWebhookSenderOptions {
  /** `whsec_` + base64 of the key bytes (Standard Webhooks symmetric secret). Never logged or returned. */
  readonly secret: string;
  /** Whole attempt, host resolution included; default 10 s. */
  readonly timeoutMs?: number;
  /**
   * The callback rules validate applies (`checkCallbackUrl`), checked again before every attempt.
   * In local mode a host may also resolve to loopback (127.0.0.0/8, ::1), and to nothing else private.
   */
  readonly rules: CallbackUrlRules;
  /** Every address the host resolves to; default `dns.lookup(host, { all: true })`. Asked once per attempt. */
  readonly resolveHost?: (host: string) => Promise<string[]>;
  /** Sends the POST to the checked addresses only; default node:http(s) pinned to them (`pinned-post.ts`). */
  readonly post?: PinnedPost;
  readonly clock?: Clock;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const USER_AGENT = `replica-flow/${packageJson.version}`;

const resolveAllAddresses = async (host: string): Promise<string[]> =>
  (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

/** Rejects with the signal's reason once it aborts, so a hung resolver cannot outlive the timeout. */
const untilAborted = <T>(work: Promise<T>, signal: AbortSignal): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });

/** `connect ECONNREFUSED 127.0.0.1:1`; every address's error when a connection tried several. */
const describeError = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.map(describeError).join('; ');
  }
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
};

/**
 * Delivers completion webhooks signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`). One attempt per call; retries
 * and backoff belong to the caller, which passes the same `id` every time. Never throws for a failed
 * delivery. Redirects are never followed (a 3xx is a failure), so an allowed host cannot bounce the
 * signed body elsewhere.
 *
 * Every attempt checks the URL against the callback rules again, resolves the host once, refuses it
 * unless every answer is public (loopback too in local mode), and then connects only to those
 * checked addresses, with the URL's host as Host header and TLS server name: a DNS answer that
 * changes after the check (rebinding) is never asked for.
 */
export const createStandardWebhookSender = (options: StandardWebhookSenderOptions): WebhookSender => {
  let webhook: Webhook;
  try {
    webhook = new Webhook(options.secret);
  } catch {
    throw new ConfigError('The webhook signing secret is not a valid whsec_ base64 secret');
  }
  // The key is the part after `whsec_`; redacting it also redacts the whole secret.
  const secretKey = options.secret.replace(/^whsec_/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const { rules } = options;
  const post = options.post ?? createPinnedPost();
  const resolveHost = options.resolveHost ?? resolveAllAddresses;
  const refusedAddress = (address: string): boolean =>
    !(rules.localMode && isLoopbackAddress(address)) && isPrivateAddress(address);
  const clock = options.clock ?? systemClock;
  const redact = (text: string): string => (secretKey ? text.split(secretKey).join('[redacted]') : text);

  const attempt = async (
    message: WebhookMessage,
    signal: AbortSignal,
  ): Promise<Omit<DeliveryResult, 'durationMs'>> => {
    const verdict = checkCallbackUrl(message.url, rules);
    if (!verdict.ok) return { ok: false, error: `callback URL refused: ${verdict.reason}` };
    const url = new URL(message.url);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    // An address literal is its own only answer; a name is resolved once, here, and never again.
    const addresses = isIP(host) ? [host] : await untilAborted(resolveHost(host), signal);
    if (addresses.length === 0) return { ok: false, error: 'callback host resolves to no address' };
    if (addresses.some(refusedAddress)) {
      return { ok: false, error: 'callback host resolves to a private address' };
    }
    const timestamp = clock.now();
    const response = await post({
      url,
      addresses,
      signal,
      body: message.body,
      headers: {
        'content-type': 'application/json',
        'user-agent': USER_AGENT,
        'webhook-id': message.id,
        'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
        'webhook-signature': webhook.sign(message.id, timestamp, message.body),
      },
    });
    const { status } = response;
    if (status >= 200 && status < 300) return { ok: true, status };
    if (status >= 300 && status < 400)
      return { ok: false, status, error: `HTTP ${status}: redirect not followed` };
    return { ok: false, status, error: `HTTP ${status}` };
  };

  return {
    send: async (message) => {
      const started = performance.now();
      const signal = AbortSignal.timeout(timeoutMs);
      const elapsed = () => Math.round(performance.now() - started);
      try {
        const result = await attempt(message, signal);
        return { ...result, durationMs: elapsed() };
      } catch (error) {
        const timedOut = signal.aborted || (error instanceof Error && error.name === 'TimeoutError');
        const reason = timedOut
          ? `timed out after ${timeoutMs} ms`
          : `delivery failed: ${describeError(error)}`;
        return { ok: false, error: redact(reason), durationMs: elapsed() };
      }
    },
  };
};
