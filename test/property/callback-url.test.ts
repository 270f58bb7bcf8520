import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPrivateAddress } from '#shared/adapters/webhook/private-address.ts';
import { createStandardWebhookSender } from '#shared/adapters/webhook/standard-webhook-sender.ts';
import { checkCallbackUrl } from '#shared/domain/callback-url.ts';
import { oddString } from '#test/property/hostile-arbitraries.ts';
import { assertProperty } from '#test/support/property-seed.ts';

const SECRET = `whsec_${Buffer.from('property-test-signing-key-32byte').toString('base64')}`;
const ALLOWED = ['hooks.example.com', '*.ops.example.net'];

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
    '::ffff:127.0.0.1',
    '::ffff:169.254.169.254',
    '64:ff9b::a9fe:a9fe',
  ),
);

/** URLs an attacker might register as a callback. */
const hostileUrl = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  oddString,
  fc
    .tuple(
      fc.constantFrom('http', 'https', 'ftp', 'file', 'gopher', 'javascript', 'HTTPS'),
      fc.constantFrom(
        'hooks.example.com',
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
      fc.constantFrom('', ':443', ':8443', ':0'),
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
        const host = parsed.hostname.toLowerCase().replace(/\.$/, '');
        expect(parsed.protocol).toBe('https:');
        expect(parsed.username + parsed.password).toBe('');
        expect(host === 'hooks.example.com' || host.endsWith('.ops.example.net')).toBe(true);
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

  it('never connects to a host that resolves to any forbidden address, whatever else it resolves to', async () => {
    let connections = 0;
    await assertProperty(
      fc.asyncProperty(
        fc.array(fc.constantFrom('203.0.113.7', '198.51.100.20', '2001:db8::1'), { maxLength: 3 }),
        forbiddenAddress,
        fc.nat(),
        async (publicAddresses, forbidden, at) => {
          const addresses: string[] = [...publicAddresses];
          addresses.splice(at % (addresses.length + 1), 0, forbidden);
          const sender = createStandardWebhookSender({
            secret: SECRET,
            resolveHost: async () => addresses,
            fetch: async () => {
              connections += 1;
              return new Response(null, { status: 204 });
            },
          });
          const result = await sender.send({ url: 'https://hooks.example.com/x', id: 'msg_1', body: '{}' });
          expect(result.ok).toBe(false);
          expect(result.error).toMatch(/private address/);
        },
      ),
      { numRuns: 500 },
    );
    expect(connections).toBe(0);
  });

  it('never follows a redirect: any 3xx is a failed delivery after one request, sent with redirect: manual', async () => {
    await assertProperty(
      fc.asyncProperty(fc.integer({ min: 300, max: 399 }), async (status) => {
        const requests: RequestInit[] = [];
        const sender = createStandardWebhookSender({
          secret: SECRET,
          resolveHost: async () => ['203.0.113.7'],
          fetch: async (_url, init) => {
            requests.push(init ?? {});
            return new Response(null, {
              status,
              headers: { location: 'http://169.254.169.254/latest/meta-data/' },
            });
          },
        });
        const result = await sender.send({ url: 'https://hooks.example.com/x', id: 'msg_1', body: '{}' });
        expect(result).toMatchObject({ ok: false, status });
        expect(requests).toHaveLength(1);
        expect(requests[0]?.redirect).toBe('manual');
      }),
      { numRuns: 100 },
    );
  });
});
