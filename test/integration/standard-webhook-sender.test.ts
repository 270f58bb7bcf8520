import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createStandardWebhookSender } from '#shared/adapters/webhook/standard-webhook-sender.ts';
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

const localSender = (timeoutMs?: number) =>
  createStandardWebhookSender({ secret, allowPrivateAddresses: true, ...(timeoutMs ? { timeoutMs } : {}) });

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
    expect(result.error).toMatch(/^delivery failed: fetch failed: .*ECONNREFUSED/);
    expect(result.error).not.toContain(secret.slice('whsec_'.length));
  });

  it('redacts the secret from an error that happens to carry it', async () => {
    const leaky = vi.fn<typeof fetch>().mockRejectedValue(new Error(`proxy said: ${secret}`));
    const sender = createStandardWebhookSender({ secret, allowPrivateAddresses: true, fetch: leaky });

    const result = await sender.send({ url: 'https://hooks.example.com/x', id: 'msg_1', body });

    expect(result.error).toBe('delivery failed: proxy said: whsec_[redacted]');
  });

  it.each(['whsec_!!not-base64!!', 'whsec_', ''])(
    'refuses to construct with the secret %j, without echoing it',
    (badSecret) => {
      expect(() => createStandardWebhookSender({ secret: badSecret })).toThrow(ConfigError);
      expect(() => createStandardWebhookSender({ secret: badSecret })).toThrow(
        /^The webhook signing secret is not a valid whsec_ base64 secret$/,
      );
    },
  );

  describe('outside local mode', () => {
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
      ['CGNAT', ['100.64.0.1']],
      ['"this network"', ['0.0.0.0']],
      ['an IPv4-mapped loopback', ['::ffff:127.0.0.1']],
      ['an IPv4-mapped metadata address in hex', ['::ffff:a9fe:a9fe']],
      ['NAT64 of the metadata address', ['64:ff9b::a9fe:a9fe']],
      ['one private address among public ones', ['93.184.216.34', '10.0.0.1']],
    ])('refuses a host that resolves to %s, and sends nothing', async (_, addresses) => {
      answerWith(200);
      const sender = createStandardWebhookSender({ secret, resolveHost: async () => addresses });

      const result = await sender.send({ url: `${baseUrl}/hooks/replica`, id: 'msg_1', body });

      expect(result).toMatchObject({ ok: false, error: 'callback host resolves to a private address' });
      expect(received).toHaveLength(0);
    });

    it('refuses loopback with the real resolver too', async () => {
      answerWith(200);
      const sender = createStandardWebhookSender({ secret });

      const byAddress = await sender.send({ url: `${baseUrl}/x`, id: 'msg_1', body });
      const byName = await sender.send({
        url: `${baseUrl.replace('127.0.0.1', 'localhost')}/x`,
        id: 'msg_1',
        body,
      });

      expect(byAddress.error).toBe('callback host resolves to a private address');
      expect(byName.error).toBe('callback host resolves to a private address');
      expect(received).toHaveLength(0);
    });

    it('delivers when every address the host resolves to is public', async () => {
      answerWith(200);
      const resolveHost = vi.fn(async () => ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946']);
      const sender = createStandardWebhookSender({ secret, resolveHost });

      const result = await sender.send({ url: `${baseUrl}/hooks/replica`, id: 'msg_1', body });

      expect(resolveHost).toHaveBeenCalledWith('127.0.0.1');
      expect(result).toMatchObject({ ok: true, status: 200 });
    });

    it('refuses a host that resolves to nothing', async () => {
      const sender = createStandardWebhookSender({ secret, resolveHost: async () => [] });

      const result = await sender.send({ url: 'https://hooks.example.com/x', id: 'msg_1', body });

      expect(result).toMatchObject({ ok: false, error: 'callback host resolves to no address' });
    });

    it('reports a failed host resolution as a failed delivery', async () => {
      const sender = createStandardWebhookSender({
        secret,
        resolveHost: () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.invalid'))),
      });

      const result = await sender.send({ url: 'https://nowhere.invalid/x', id: 'msg_1', body });

      expect(result).toMatchObject({
        ok: false,
        error: 'delivery failed: getaddrinfo ENOTFOUND nowhere.invalid',
      });
    });
  });
});
