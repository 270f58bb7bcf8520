import { isIP } from 'node:net';
import { isPrivateAddress } from '#shared/domain/private-address.ts';

export interface CallbackUrlRules {
  /** The embedded local stack: plain `http:` to this machine's loopback is allowed too. */
  readonly localMode: boolean;
  /**
   * Exact hosts (`hooks.example.com`) or wildcards (`*.example.com`: any subdomain, not the apex),
   * each on port 443 unless the entry names another (`hooks.example.com:8443`: that port only).
   */
  readonly allowedHosts: readonly string[];
}

export type CallbackUrlVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '[::1]']);
const HTTPS_PORT = '443';

interface AllowedHost {
  readonly host: string;
  readonly port: string;
}

/** `Hooks.Example.COM:8443` → host `hooks.example.com`, port `8443`; no port → 443. */
const parseAllowedHost = (entry: string): AllowedHost => {
  const text = entry.trim().toLowerCase();
  // `[2001:db8::1]:8443` has colons of its own: a port is digits after a colon that ends the host.
  const withPort = /^(.*[^:]):(\d{1,5})$/.exec(text);
  const [host, port] =
    withPort?.[1] && withPort[2] ? [withPort[1], String(Number(withPort[2]))] : [text, HTTPS_PORT];
  return { host: host.replace(/\.$/, ''), port };
};

const hostMatches = (host: string, allowed: string): boolean => {
  if (!allowed.startsWith('*.')) return host === allowed;
  const suffix = allowed.slice(1); // '.example.com'
  return host.length > suffix.length && host.endsWith(suffix);
};

const refuse = (reason: string): CallbackUrlVerdict => ({ ok: false, reason });

/**
 * Where a completion webhook may be sent. Pure; validate refuses a request whose URL breaks these
 * rules, notify never chooses such a URL as a target, and the webhook sender checks them again and
 * connects only to addresses it checked (`standard-webhook-sender.ts`). A URL that passes can be
 * delivered as far as the URL alone can tell: what a host name resolves to is checked when sending.
 */
export const checkCallbackUrl = (url: string, rules: CallbackUrlRules): CallbackUrlVerdict => {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return refuse('callback URL is not a valid absolute URL');
  }
  // The URL parser drops an empty userinfo (`https://@host`), so look at the authority as written too.
  const authority = url.slice(parsed.protocol.length).replace(/^\/\//, '').split(/[/?#]/, 1)[0] ?? '';
  if (parsed.username || parsed.password || authority.includes('@')) {
    return refuse('callback URL must not contain userinfo (user:password@)');
  }
  const host = parsed.hostname.toLowerCase();
  // `localhost.` and `hooks.example.com.` name the same hosts, but resolvers and TLS treat them apart.
  if (host.endsWith('.')) {
    return refuse(`callback host ${host} must not end with a dot (write ${host.replace(/\.+$/, '')})`);
  }
  if (rules.localMode && LOOPBACK_HOSTS.has(host) && ['http:', 'https:'].includes(parsed.protocol)) {
    return { ok: true };
  }
  if (parsed.protocol !== 'https:') {
    return refuse(
      rules.localMode
        ? 'callback URL must use https (http is allowed only to 127.0.0.1, localhost or [::1] in local mode)'
        : 'callback URL must use https',
    );
  }
  const allowed = rules.allowedHosts.map(parseAllowedHost).filter((entry) => hostMatches(host, entry.host));
  if (allowed.length === 0) {
    return refuse(`callback host ${host} is not on the allowed hosts list`);
  }
  const port = parsed.port || HTTPS_PORT;
  if (!allowed.some((entry) => entry.port === port)) {
    return refuse(
      `callback port ${port} is not allowed for ${host} (allowed: ${[...new Set(allowed.map((entry) => entry.port))].join(', ')})`,
    );
  }
  // An address literal is its own only answer: one the sender would refuse is refused here already.
  const literal = host.replace(/^\[|\]$/g, '');
  if (isIP(literal) && isPrivateAddress(literal)) {
    return refuse(`callback host ${host} is a private, loopback or reserved address`);
  }
  return { ok: true };
};
