export interface CallbackUrlRules {
  /** The embedded local stack: plain `http:` to this machine's loopback is allowed too. */
  readonly localMode: boolean;
  /** Exact hosts (`hooks.example.com`) or wildcards (`*.example.com`: any subdomain, not the apex). */
  readonly allowedHosts: readonly string[];
}

export type CallbackUrlVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Lower case, no trailing dot: `Hooks.Example.COM.` and `hooks.example.com` are one host. */
const normaliseHost = (host: string): string => host.trim().toLowerCase().replace(/\.$/, '');

const isAllowedHost = (host: string, allowedHosts: readonly string[]): boolean =>
  allowedHosts.some((entry) => {
    const allowed = normaliseHost(entry);
    if (!allowed.startsWith('*.')) return host === allowed;
    const suffix = allowed.slice(1); // '.example.com'
    return host.length > suffix.length && host.endsWith(suffix);
  });

const refuse = (reason: string): CallbackUrlVerdict => ({ ok: false, reason });

/**
 * Where a completion webhook may be sent. Pure; the webhook sender separately refuses hosts that
 * resolve to private addresses at delivery time.
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
  const host = normaliseHost(parsed.hostname);
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
  if (!isAllowedHost(host, rules.allowedHosts)) {
    return refuse(`callback host ${host} is not on the allowed hosts list`);
  }
  return { ok: true };
};
