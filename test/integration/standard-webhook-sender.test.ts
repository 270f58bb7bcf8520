import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPinnedPost, type PinnedRequest } from '#shared/adapters/webhook/pinned-post.ts';
import { createStandardWebhookSender } from '#shared/adapters/webhook/standard-webhook-sender.ts';
import type { CallbackUrlRules } from '#shared/domain/callback-url.ts';
import { ConfigError } from '#shared/errors.ts';

interface Received {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

const secret = `whsec_${randomBytes(32).toString('base64')}`;
const received: Received[] = [];
let respond: (path: string, response: ServerResponse) => void;
let server: Server;
let baseUrl: string;

const body = JSON.stringify({
  type: 'replica.ready',
  timestamp: '2026-11-29T10:00:00.000Z',
  data: {
    source: { instance_id: 'postgres-abcdef', region: 'ap-beijing' },
    replica: { instance_id: 'pgro-1a2b3c4d' },
  },
});

const answerWith = (status: number, headers: Record<string, string> = {}) => {
  respond = (_, response) => {
    response.writeHead(status, headers).end('{"received":true}');
  };
};

const hitsOn = (path: string) => received.filter((request) => request.path === path).length;

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      received.push({
        method: request.method ?? '',
        path,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      respond(path, response);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => {
  received.length = 0;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

const LOCAL: CallbackUrlRules = { localMode: true, allowedHosts: [] };
const CLOUD: CallbackUrlRules = { localMode: false, allowedHosts: ['hooks.example.com'] };

const localSender = (timeoutMs?: number) =>
  createStandardWebhookSender({ secret, rules: LOCAL, ...(timeoutMs ? { timeoutMs } : {}) });

/** A transport that records what it was asked and never connects anywhere. */
const recordingPost = (status = 204) => {
  const requests: PinnedRequest[] = [];
  return {
    requests,
    post: async (request: PinnedRequest) => {
      requests.push(request);
      return { status };
    },
  };
};

describe('standard webhook sender', () => {
  it('delivers a body that the standardwebhooks library verifies with the shared secret', async () => {
    answerWith(204);

    const result = await localSender().send({ url: `${baseUrl}/hooks/replica`, id: 'msg_r-123', body });

    expect(result).toMatchObject({ ok: true, status: 204 });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(received).toHaveLength(1);
    const [delivery] = received;
    expect(delivery?.method).toBe('POST');
    expect(delivery?.body).toBe(body);
    expect(delivery?.headers).toMatchObject({
      'content-type': 'application/json',
      'webhook-id': 'msg_r-123',
      'user-agent': expect.stringMatching(/^replica-flow\/\d+\.\d+\.\d+$/),
      'webhook-timestamp': expect.stringMatching(/^\d{10}$/),
      'webhook-signature': expect.stringMatching(/^v1,[A-Za-z0-9+/]+=*$/),
    });
    const verified = new Webhook(secret).verify(
      delivery?.body ?? '',
      delivery?.headers as Record<string, string>,
    );
    expect(verified).toEqual(JSON.parse(body));
  });

  it('sends the webhook-id it was given on every attempt, each attempt signed afresh and valid', async () => {
    answerWith(200);
    const sender = localSender();

    await sender.send({ url: `${baseUrl}/hooks/replica`, id: 'msg_stable', body });
    await sender.send({ url: `${baseUrl}/hooks/replica`, id: 'msg_stable', body });

    expect(received.map((request) => request.headers['webhook-id'])).toEqual(['msg_stable', 'msg_stable']);
    for (const request of received) {
      expect(() =>
        new Webhook(secret).verify(request.body, request.headers as Record<string, string>),
      ).not.toThrow();
    }
  });

  it('refuses a signature made with another secret on the receiving side', async () => {
    answerWith(200);

    const result = await localSender().send({ url: `${baseUrl}/hooks/replica`, id: 'msg_1', body });

    expect(result.ok).toBe(true);
    const other = new Webhook(`whsec_${randomBytes(32).toString('base64')}`);
    expect(() =>
      other.verify(received[0]?.body ?? '', received[0]?.headers as Record<string, string>),
    ).toThrow(/No matching signature/);
  });

  it.each([400, 410, 500, 503])('reports HTTP %i as a failed delivery with its status', async (status) => {
    answerWith(status);

    const result = await localSender().send({ url: `${baseUrl}/hooks/replica`, id: 'msg_1', body });

    expect(result).toMatchObject({ ok: false, status, error: `HTTP ${status}` });
  });

  it.each([301, 302, 307, 308])('does not follow a %i redirect and reports it as failed', async (status) => {
    respond = (path, response) => {
      if (path === '/redirect-target') response.writeHead(200).end();
      else response.writeHead(status, { location: `${baseUrl}/redirect-target` }).end();
    };

    const result = await localSender().send({ url: `${baseUrl}/hooks/replica`, id: 'msg_1', body });

    expect(result).toMatchObject({ ok: false, status, error: `HTTP ${status}: redirect not followed` });
    expect(hitsOn('/hooks/replica')).toBe(1);
    expect(hitsOn('/redirect-target')).toBe(0);
  });

  it('gives up within the configured timeout when the receiver never answers', async () => {
    respond = () => undefined; // hold the request open
    const started = performance.now();

    const result = await localSender(300).send({ url: `${baseUrl}/hooks/slow`, id: 'msg_1', body });

    const elapsed = performance.now() - started;
    expect(result).toMatchObject({ ok: false, error: 'timed out after 300 ms' });
    expect(result.status).toBeUndefined();
    expect(result.durationMs).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1_000);
  });

  it('counts a hung host resolution against the same timeout', async () => {
    const sender = createStandardWebhookSender({
      secret,
      rules: CLOUD,
      timeoutMs: 200,
      resolveHost: () => new Promise<string[]>(() => undefined),
    });

    const result = await sender.send({ url: 'https://hooks.example.com/x', id: 'msg_1', body });

    expect(result).toMatchObject({ ok: false, error: 'timed out after 200 ms' });
    expect(result.durationMs).toBeLessThan(1_000);
  });

  it('reports a refused connection without throwing, and never puts the secret in the error', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, 'close');

    const result = await localSender().send({ url: `http://127.0.0.1:${port}/x`, id: 'msg_1', body });

    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/^delivery failed: connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
    expect(result.error).not.toContain(secret.slice('whsec_'.length));
  });

  it('redacts the secret from an error that happens to carry it', async () => {
    const sender = createStandardWebhookSender({
      secret,
      rules: CLOUD,
      resolveHost: async () => ['93.184.216.34'],
      post: () => Promise.reject(new Error(`proxy said: ${secret}`)),
    });

    const result = await sender.send({ url: 'https://hooks.example.com/x', id: 'msg_1', body });

    expect(result.error).toBe('delivery failed: proxy said: whsec_[redacted]');
  });

  it.each(['whsec_!!not-base64!!', 'whsec_', ''])(
    'refuses to construct with the secret %j, without echoing it',
    (badSecret) => {
      expect(() => createStandardWebhookSender({ secret: badSecret, rules: LOCAL })).toThrow(ConfigError);
      expect(() => createStandardWebhookSender({ secret: badSecret, rules: LOCAL })).toThrow(
        /^The webhook signing secret is not a valid whsec_ base64 secret$/,
      );
    },
  );

  describe('the callback rules, checked again at send time', () => {
    it.each([
      ['cloud', CLOUD, 'http://169.254.169.254/latest/meta-data', /must use https$/],
      ['local', LOCAL, 'http://169.254.169.254/latest/meta-data', /must use https \(http is allowed only/],
      ['cloud', CLOUD, 'https://evil.example.org/x', /not on the allowed hosts list/],
      ['local', LOCAL, 'http://0.0.0.0:8080/x', /must use https/],
      ['local', LOCAL, 'http://[::ffff:127.0.0.1]:8080/x', /must use https/],
      ['local', LOCAL, 'http://localhost.:8080/x', /must not end with a dot/],
      [
        'cloud',
        CLOUD,
        'https://hooks.example.com:8443/x',
        /port 8443 is not allowed for hooks\.example\.com/,
      ],
    ])('in %s mode refuses %s before resolving or connecting', async (_, rules, url, reason) => {
      const resolveHost = vi.fn(async () => ['93.184.216.34']);
      const transport = recordingPost();
      const sender = createStandardWebhookSender({ secret, rules, resolveHost, post: transport.post });

      const result = await sender.send({ url, id: 'msg_1', body });

      expect(result.ok).toBe(false);
      expect(result.error).toMatch(/^callback URL refused: /);
      expect(result.error).toMatch(reason);
      expect(resolveHost).not.toHaveBeenCalled();
      expect(transport.requests).toHaveLength(0);
    });

    it('allows an allowlisted host on the port its entry names, and on no other', async () => {
      const transport = recordingPost();
      const sender = createStandardWebhookSender({
        secret,
        rules: { localMode: false, allowedHosts: ['hooks.example.com:8443'] },
        resolveHost: async () => ['93.184.216.34'],
        post: transport.post,
      });

      const onItsPort = await sender.send({ url: 'https://hooks.example.com:8443/x', id: 'msg_1', body });
      const onHttps = await sender.send({ url: 'https://hooks.example.com/x', id: 'msg_1', body });

      expect(onItsPort).toMatchObject({ ok: true, status: 204 });
      expect(onHttps.error).toMatch(/port 443 is not allowed for hooks\.example\.com \(allowed: 8443\)/);
      expect(transport.requests).toHaveLength(1);
    });
  });

  describe('pinning the checked address', () => {
    let tlsServer: ReturnType<typeof createTlsServer>;
    let tlsPort: number;
    const seen: { host?: string; servername?: string | false | null; localAddress?: string }[] = [];
    const tlsFixture = (name: string) =>
      readFileSync(new URL(`../fixtures/tls/${name}`, import.meta.url), 'utf8');

    beforeAll(async () => {
      // A certificate for hooks.test, a name no resolver on this machine knows: any lookup but the
      // sender's one would fail, so a delivery proves the connection used the checked address.
      tlsServer = createTlsServer(
        { key: tlsFixture('hooks.test.key'), cert: tlsFixture('hooks.test.crt') },
        (request, response) => {
          seen.push({
            host: request.headers.host,
            servername: (request.socket as TLSSocket).servername,
            localAddress: request.socket.localAddress,
          });
          request.resume();
          request.on('end', () => response.writeHead(204).end());
        },
      );
      tlsServer.listen(0, '127.0.0.1');
      await once(tlsServer, 'listening');
      tlsPort = (tlsServer.address() as AddressInfo).port;
    });

    afterAll(async () => {
      tlsServer.closeAllConnections();
      tlsServer.close();
      await once(tlsServer, 'close');
    });

    it('resolves once and connects to the checked address, with the URL host as Host header and TLS server name', async () => {
      // A rebinding resolver: the first answer passes the check, every later one is the metadata address.
      const answers = [['127.0.0.1']];
      const resolveHost = vi.fn(async () => answers.shift() ?? ['169.254.169.254']);
      const sender = createStandardWebhookSender({
        secret,
        rules: { localMode: true, allowedHosts: [`hooks.test:${tlsPort}`] },
        resolveHost,
        post: createPinnedPost({ ca: tlsFixture('hooks.test.crt') }),
      });

      const result = await sender.send({
        url: `https://hooks.test:${tlsPort}/hooks/replica`,
        id: 'msg_1',
        body,
      });

      expect(result).toMatchObject({ ok: true, status: 204 });
      expect(resolveHost).toHaveBeenCalledTimes(1);
      expect(resolveHost).toHaveBeenCalledWith('hooks.test');
      expect(seen).toEqual([
        { host: `hooks.test:${tlsPort}`, servername: 'hooks.test', localAddress: '127.0.0.1' },
      ]);
    });

    it('asks the resolver again on the next attempt, and refuses when that answer is private', async () => {
      const answers = [['127.0.0.1'], ['169.254.169.254']];
      const resolveHost = vi.fn(async () => answers.shift() ?? []);
      seen.length = 0;
      const sender = createStandardWebhookSender({
        secret,
        rules: { localMode: true, allowedHosts: [`hooks.test:${tlsPort}`] },
        resolveHost,
        post: createPinnedPost({ ca: tlsFixture('hooks.test.crt') }),
      });
      const message = { url: `https://hooks.test:${tlsPort}/hooks/replica`, id: 'msg_1', body };

      const first = await sender.send(message);
      const second = await sender.send(message);

      expect(first).toMatchObject({ ok: true, status: 204 });
      expect(second).toMatchObject({ ok: false, error: 'callback host resolves to a private address' });
      expect(resolveHost).toHaveBeenCalledTimes(2);
      expect(seen).toHaveLength(1);
    });

    it('falls back to the next checked address when the first refuses the connection', async () => {
      answerWith(204);
      const port = new URL(baseUrl).port;
      // The receiver listens on 127.0.0.1 only: ::1 refuses, and the connection moves on to 127.0.0.1.
      const resolveHost = vi.fn(async () => ['::1', '127.0.0.1']);
      const sender = createStandardWebhookSender({ secret, rules: LOCAL, resolveHost });

      const result = await sender.send({ url: `http://localhost:${port}/hooks/replica`, id: 'msg_1', body });

      expect(result).toMatchObject({ ok: true, status: 204 });
      expect(resolveHost).toHaveBeenCalledTimes(1);
      expect(received.map((request) => request.headers.host)).toEqual([`localhost:${port}`]);
    });

    it('hands the transport exactly the addresses it checked', async () => {
      const transport = recordingPost(200);
      const sender = createStandardWebhookSender({
        secret,
        rules: CLOUD,
        resolveHost: async () => ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
        post: transport.post,
      });

      const result = await sender.send({ url: 'https://hooks.example.com/hooks/replica', id: 'msg_1', body });

      expect(result).toMatchObject({ ok: true, status: 200 });
      expect(transport.requests.map((request) => [request.url.href, request.addresses])).toEqual([
        ['https://hooks.example.com/hooks/replica', ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946']],
      ]);
    });
  });

  describe('the addresses a host may resolve to', () => {
    it.each([
      ['loopback', ['127.0.0.1']],
      ['IPv6 loopback', ['::1']],
      ['RFC 1918', ['10.1.2.3']],
      ['RFC 1918 172.16/12', ['172.31.255.1']],
      ['RFC 1918 192.168/16', ['192.168.0.10']],
      ['the cloud metadata address', ['169.254.169.254']],
      ['the IPv6 metadata address', ['fd00:ec2::254']],
      ['IPv6 link-local', ['fe80::1']],
      ['IPv6 unique-local', ['fd12:3456::1']],
      ['IPv6 site-local', ['fec0::1']],
      ['CGNAT', ['100.64.0.1']],
      ['"this network"', ['0.0.0.0']],
      ['an IPv4-mapped loopback', ['::ffff:127.0.0.1']],
      ['an IPv4-mapped metadata address in hex', ['::ffff:a9fe:a9fe']],
      ['NAT64 of the metadata address', ['64:ff9b::a9fe:a9fe']],
      ['6to4 of the metadata address', ['2002:a9fe:a9fe::1']],
      ['Teredo with the metadata address as client', ['2001:0:4136:e378:8000:63bf:5601:5601']],
      ['one private address among public ones', ['93.184.216.34', '10.0.0.1']],
    ])('outside local mode, refuses a host that resolves to %s, and sends nothing', async (_, addresses) => {
      const transport = recordingPost();
      const sender = createStandardWebhookSender({
        secret,
        rules: CLOUD,
        resolveHost: async () => addresses,
        post: transport.post,
      });

      const result = await sender.send({ url: 'https://hooks.example.com/hooks/replica', id: 'msg_1', body });

      expect(result).toMatchObject({ ok: false, error: 'callback host resolves to a private address' });
      expect(transport.requests).toHaveLength(0);
    });

    it.each([
      ['the cloud metadata address', ['169.254.169.254']],
      ['RFC 1918', ['10.0.0.1']],
      ['an IPv4-mapped loopback', ['::ffff:127.0.0.1']],
      ['"this network"', ['0.0.0.0']],
      ['loopback and the metadata address', ['127.0.0.1', '169.254.169.254']],
    ])('in local mode, still refuses a host that resolves to %s', async (_, addresses) => {
      const transport = recordingPost();
      const sender = createStandardWebhookSender({
        secret,
        rules: { localMode: true, allowedHosts: ['hooks.example.com'] },
        resolveHost: async () => addresses,
        post: transport.post,
      });

      const result = await sender.send({ url: 'https://hooks.example.com/hooks/replica', id: 'msg_1', body });

      expect(result).toMatchObject({ ok: false, error: 'callback host resolves to a private address' });
      expect(transport.requests).toHaveLength(0);
    });

    it('in local mode, lets a host resolve to loopback', async () => {
      const transport = recordingPost();
      const sender = createStandardWebhookSender({
        secret,
        rules: { localMode: true, allowedHosts: ['hooks.example.com'] },
        resolveHost: async () => ['127.0.0.1', '::1'],
        post: transport.post,
      });

      const result = await sender.send({ url: 'https://hooks.example.com/hooks/replica', id: 'msg_1', body });

      expect(result).toMatchObject({ ok: true, status: 204 });
      expect(transport.requests[0]?.addresses).toEqual(['127.0.0.1', '::1']);
    });

    it('outside local mode, refuses loopback even when it is allowlisted, by address and through the real resolver', async () => {
      answerWith(200);
      const port = new URL(baseUrl).port;
      const sender = createStandardWebhookSender({
        secret,
        rules: { localMode: false, allowedHosts: [`127.0.0.1:${port}`, `localhost:${port}`] },
      });

      const byAddress = await sender.send({ url: `https://127.0.0.1:${port}/x`, id: 'msg_1', body });
      const byName = await sender.send({ url: `https://localhost:${port}/x`, id: 'msg_1', body });

      expect(byAddress.error).toBe(
        'callback URL refused: callback host 127.0.0.1 is a private, loopback or reserved address',
      );
      expect(byName.error).toBe('callback host resolves to a private address');
      expect(received).toHaveLength(0);
    });

    it('refuses a host that resolves to nothing', async () => {
      const sender = createStandardWebhookSender({ secret, rules: CLOUD, resolveHost: async () => [] });

      const result = await sender.send({ url: 'https://hooks.example.com/x', id: 'msg_1', body });

      expect(result).toMatchObject({ ok: false, error: 'callback host resolves to no address' });
    });

    it('reports a failed host resolution as a failed delivery', async () => {
      const sender = createStandardWebhookSender({
        secret,
        rules: { localMode: false, allowedHosts: ['nowhere.invalid'] },
        resolveHost: () => Promise.reject(new Error('getaddrinfo ENOTFOUND nowhere.invalid')),
      });

      const result = await sender.send({ url: 'https://nowhere.invalid/x', id: 'msg_1', body });

      expect(result).toMatchObject({
        ok: false,
        error: 'delivery failed: getaddrinfo ENOTFOUND nowhere.invalid',
      });
    });
  });
});
