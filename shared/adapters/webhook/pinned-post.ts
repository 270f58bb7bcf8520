import type { LookupAddress, LookupOptions } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';

/** One POST whose host name was already resolved and checked. */
export interface PinnedRequest {
  readonly url: URL;
  /** The checked addresses of `url`'s host: the only ones the connection may go to. */
  readonly addresses: readonly string[];
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly signal: AbortSignal;
}

export interface PinnedResponse {
  readonly status: number;
}

/** Sends a pinned request and resolves with the response status; redirects are never followed. */
export type PinnedPost = (request: PinnedRequest) => Promise<PinnedResponse>;

export interface PinnedPostOptions {
  /** Trusted CA certificates (PEM) instead of Node's bundled roots: a private CA, or a test's own. */
  readonly ca?: string;
}

/**
 * A `lookup` that answers from the checked addresses and never asks DNS: the socket connects to an
 * address that was checked, while the Host header and the TLS server name (SNI, certificate check)
 * stay the URL's host. A second DNS answer (rebinding) is never consulted.
 */
const pinnedLookup =
  (addresses: readonly string[]): LookupFunction =>
  (hostname, options: LookupOptions, callback) => {
    const entries: LookupAddress[] = addresses
      .map((address) => ({ address, family: isIP(address) }))
      .filter((entry) => !options.family || entry.family === options.family);
    const [first] = entries;
    if (!first) {
      const error: NodeJS.ErrnoException = new Error(`no checked address for ${hostname}`);
      error.code = 'ENOTFOUND';
      callback(error, '', 0);
      return;
    }
    if (options.all) callback(null, entries);
    else callback(null, first.address, first.family);
  };

/** node:http(s) with the pinned lookup; one connection per request (`agent: false`, no pooling). */
export const createPinnedPost =
  (options: PinnedPostOptions = {}): PinnedPost =>
  (pinned) =>
    new Promise<PinnedResponse>((resolve, reject) => {
      const { url } = pinned;
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const request = send(
        {
          protocol: url.protocol,
          hostname: url.hostname.replace(/^\[|\]$/g, ''),
          ...(url.port ? { port: Number(url.port) } : {}),
          path: `${url.pathname}${url.search}`,
          method: 'POST',
          headers: {
            ...pinned.headers,
            host: url.host,
            'content-length': String(Buffer.byteLength(pinned.body)),
          },
          lookup: pinnedLookup(pinned.addresses),
          agent: false,
          signal: pinned.signal,
          ...(options.ca ? { ca: options.ca } : {}),
        },
        (response: IncomingMessage) => {
          // The body is not needed; the status is the answer.
          response.destroy();
          resolve({ status: response.statusCode ?? 0 });
        },
      );
      request.on('error', reject);
      request.end(pinned.body);
    });
