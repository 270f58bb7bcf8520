import { isIP, isIPv4 } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PinnedRequest } from '#shared/adapters/webhook/pinned-post.ts';
import { createStandardWebhookSender } from '#shared/adapters/webhook/standard-webhook-sender.ts';
import { type CallbackUrlRules, checkCallbackUrl } from '#shared/domain/callback-url.ts';
import { isLoopbackAddress, isPrivateAddress } from '#shared/domain/private-address.ts';
import { oddString } from '#test/property/hostile-arbitraries.ts';
import { assertProperty } from '#test/support/property-seed.ts';

const SECRET = `whsec_${Buffer.from('property-test-signing-key-32byte').toString('base64')}`;
const ALLOWED = ['hooks.example.com', '*.ops.example.net', 'alt.example.com:8443'];
const CLOUD: CallbackUrlRules = { localMode: false, allowedHosts: ALLOWED };

const octet = fc.integer({ min: 0, max: 255 });
const ipv4In = (first: number, second?: fc.Arbitrary<number>) =>
  fc.tuple(second ?? octet, octet, octet).map(([b, c, d]) => `${first}.${b}.${c}.${d}`);

/** Addresses a callback must never reach: private, loopback, link-local (metadata), CGNAT, this-network. */
const forbiddenAddress = fc.oneof(
  ipv4In(10),
  ipv4In(127),
  ipv4In(0),
  ipv4In(169, fc.constant(254)),
  ipv4In(172, fc.integer({ min: 16, max: 31 })),
  ipv4In(192, fc.constant(168)),
  ipv4In(100, fc.integer({ min: 64, max: 127 })),
  fc.constantFrom(
    '169.254.169.254',
    'fd00:ec2::254',
    '::1',
    '::',
    'fe80::1',
    'fc00::5',
    'fec0::1',
    '::ffff:127.0.0.1',
    '::ffff:169.254.169.254',
    '64:ff9b::a9fe:a9fe',
    '64:ff9b:1::a9fe:a9fe',
    '2002:a9fe:a9fe::1',
    '2001:0:4136:e378:8000:63bf:5601:5601',
  ),
);

const hex = (high: number, low: number) => ((high << 8) | low).toString(16);

/** Every IPv6 form that carries an IPv4 address, built around the given one. */
const ipv6Carrying = (ipv4: string): string[] => {
  const [a = 0, b = 0, c = 0, d = 0] = ipv4.split('.').map(Number);
  const [high, low] = [hex(a, b), hex(c, d)];
  const [notHigh, notLow] = [hex(a ^ 0xff, b ^ 0xff), hex(c ^ 0xff, d ^ 0xff)];
  return [
    `::ffff:${ipv4}`, // IPv4-mapped
    `::ffff:${high}:${low}`,
    `::ffff:0:${high}:${low}`, // IPv4-translated
    `64:ff9b::${ipv4}`, // NAT64
    `64:ff9b::${high}:${low}`,
    `2002:${high}:${low}::1`, // 6to4
    `2001:0:${high}:${low}:8000:63bf:f7f7:f7f7`, // Teredo server (client 8.8.8.8)
    `2001:0:4136:e378:8000:63bf:${notHigh}:${notLow}`, // Teredo client (server 65.54.227.120)
  ];
};

/** URLs an attacker might register as a callback. */
const hostileUrl = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  oddString,
  fc
    .tuple(
      fc.constantFrom('http', 'https', 'ftp', 'file', 'gopher', 'javascript', 'HTTPS'),
      fc.constantFrom(
        'hooks.example.com',
        'hooks.example.com.',
        'alt.example.com',
        'localhost.',
        '[::ffff:127.0.0.1]',
        '0.0.0.0',
        'hooks.example.com.evil.test',
        'evil.test#@hooks.example.com',
        'user:pw@hooks.example.com',
        '@hooks.example.com',
        'a.ops.example.net',
        'ops.example.net',
        '169.254.169.254',
        '[::1]',
        '127.0.0.1',
        'localhost',
        '0x7f.1',
        '2130706433',
        'hooks.example.com%00.evil.test',
        'xn--hooks-exmple-com.test',
      ),
      fc.constantFrom('', ':443', ':8443', ':0', ':22'),
      fc.constantFrom('/', '/x', '/\\evil.test', '?a=@evil.test', '#frag'),
    )
    .map(([scheme, host, port, path]) => `${scheme}://${host}${port}${path}`),
);

describe('callback URLs, for any URL', () => {
  it('outside local mode: only https URLs to an allowlisted host, without userinfo, are accepted; nothing throws', () => {
    assertProperty(
      fc.property(hostileUrl, (url) => {
        const verdict = checkCallbackUrl(url, { localMode: false, allowedHosts: ALLOWED });
        if (!verdict.ok) return;
        const parsed = new URL(url);
        const host = parsed.hostname.toLowerCase();
        expect(parsed.protocol).toBe('https:');
        expect(parsed.username + parsed.password).toBe('');
        expect(host.endsWith('.')).toBe(false);
        expect(
          host === 'hooks.example.com' || host === 'alt.example.com' || host.endsWith('.ops.example.net'),
        ).toBe(true);
        expect(parsed.port || '443').toBe(host === 'alt.example.com' ? '8443' : '443');
      }),
      { numRuns: 2000 },
    );
  });

  it('in local mode: plain http is accepted only for the loopback host names', () => {
    assertProperty(
      fc.property(hostileUrl, (url) => {
        const verdict = checkCallbackUrl(url, { localMode: true, allowedHosts: [] });
        if (!verdict.ok) return;
        expect(['127.0.0.1', 'localhost', '[::1]']).toContain(new URL(url).hostname.toLowerCase());
      }),
      { numRuns: 2000 },
    );
  });

  it('recognises every private, loopback, link-local and metadata address, IPv4-mapped and NAT64 ones too', () => {
    assertProperty(
      fc.property(forbiddenAddress, (address) => {
        expect(isPrivateAddress(address)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('recognises every forbidden IPv4 address inside every IPv6 form that carries one', () => {
    assertProperty(
      fc.property(forbiddenAddress.filter(isIPv4), (ipv4) => {
        for (const address of ipv6Carrying(ipv4))
          expect([address, isPrivateAddress(address)]).toEqual([address, true]);
      }),
      { numRuns: 500 },
    );
  });

  it('never connects to a host that resolves to any forbidden address, whatever else it resolves to', async () => {
    await assertProperty(
      fc.asyncProperty(
        fc.array(fc.constantFrom('93.184.216.34', '8.8.8.8', '2606:2800:220:1:248:1893:25c8:1946'), {
          maxLength: 3,
        }),
        forbiddenAddress,
        fc.nat(),
        fc.boolean(),
        async (publicAddresses, forbidden, at, localMode) => {
          const addresses: string[] = [...publicAddresses];
          addresses.splice(at % (addresses.length + 1), 0, forbidden);
          let posts = 0;
          const sender = createStandardWebhookSender({
            secret: SECRET,
            rules: { localMode, allowedHosts: ALLOWED },
            resolveHost: async () => addresses,
            post: async () => {
              posts += 1;
              return { status: 204 };
            },
          });
          const result = await sender.send({ url: 'https://hooks.example.com/x', id: 'msg_1', body: '{}' });
          // Local mode lets loopback (127.0.0.0/8, ::1) through, and nothing else that is private.
          const allowed = localMode && isLoopbackAddress(forbidden);
          expect({ ok: result.ok, posts }).toEqual(
            allowed ? { ok: true, posts: 1 } : { ok: false, posts: 0 },
          );
          if (!allowed) expect(result.error).toBe('callback host resolves to a private address');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('posts to exactly the URLs the callback rules accept, and only to the addresses it checked', async () => {
    const answers = ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'];
    await assertProperty(
      fc.asyncProperty(hostileUrl, fc.boolean(), async (url, localMode) => {
        const rules = { localMode, allowedHosts: ALLOWED };
        const requests: PinnedRequest[] = [];
        const lookups: string[] = [];
        const sender = createStandardWebhookSender({
          secret: SECRET,
          rules,
          resolveHost: async (host) => {
            lookups.push(host);
            return host === 'localhost' ? ['127.0.0.1'] : answers;
          },
          post: async (request) => {
            requests.push(request);
            return { status: 204 };
          },
        });
        const result = await sender.send({ url, id: 'msg_1', body: '{}' });
        if (!checkCallbackUrl(url, rules).ok) {
          expect({ ok: result.ok, lookups, requests }).toEqual({ ok: false, lookups: [], requests: [] });
          return;
        }
        // An address literal is its own only answer (no lookup); a name is looked up once.
        const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
        const expected = isIP(host) ? [host] : host === 'localhost' ? ['127.0.0.1'] : answers;
        expect(lookups).toEqual(isIP(host) ? [] : [host]);
        const reachable = expected.every(
          (address) => !isPrivateAddress(address) || (localMode && isLoopbackAddress(address)),
        );
        expect(result.ok).toBe(reachable);
        expect(requests.map((request) => [request.url.href, request.addresses])).toEqual(
          reachable ? [[new URL(url).href, expected]] : [],
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('never follows a redirect: any 3xx is a failed delivery after one request', async () => {
    await assertProperty(
      fc.asyncProperty(fc.integer({ min: 300, max: 399 }), async (status) => {
        const requests: PinnedRequest[] = [];
        const sender = createStandardWebhookSender({
          secret: SECRET,
          rules: CLOUD,
          resolveHost: async () => ['93.184.216.34'],
          post: async (request) => {
            requests.push(request);
            return { status };
          },
        });
        const result = await sender.send({ url: 'https://hooks.example.com/x', id: 'msg_1', body: '{}' });
        expect(result).toMatchObject({ ok: false, status });
        expect(requests).toHaveLength(1);
      }),
      { numRuns: 100 },
    );
  });
});
