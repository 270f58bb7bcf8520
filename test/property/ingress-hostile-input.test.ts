import { createHmac, randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIngestHandler } from '#functions/ingest.ts';
import { SEED_EXAMPLE_REQUEST } from '#local/cli/demo-command.ts';
import { lambdaContext } from '#local/stack/lambda-context.ts';
import type { Dependencies } from '#shared/config/dependencies.ts';
import { ingressRoutes, type Route } from '#shared/ingress/routes.ts';
import {
  hostileBody,
  hostileHeaderValue,
  hostileJson,
  mutatedObject,
} from '#test/property/hostile-arbitraries.ts';
import { type StackFixture, startStackFixture } from '#test/support/local-stack-fixture.ts';
import { assertProperty } from '#test/support/property-seed.ts';
import { silenceJsonLogs } from '#test/support/quiet-logs.ts';
import { RecordingQueue, type SentMessage } from '#test/support/recording-queue.ts';

const SLACK_SECRET = `slack-signing-${randomUUID()}`;
const JIRA_SECRET = `jira-webhook-${randomUUID()}`;
const RUNS = Number(process.env.PROPERTY_RUNS ?? 80);

/** A request as the HTTP gateway hands it to the ingest function. */
interface HostileRequest {
  readonly body: Buffer;
  readonly base64: boolean;
  readonly headers: Record<string, string>;
  /** The value of the route's `{…}` path segment, if it has one. */
  readonly pathValue: string;
}

const eventFor = (route: Route, request: HostileRequest): APIGatewayProxyEventV2 => {
  const rawPath = route.path.replace(/\{[^}]+\}/, encodeURIComponent(request.pathValue) || 'x');
  const now = Date.now();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: '',
    headers: request.headers,
    requestContext: {
      accountId: '000000000000',
      apiId: 'property',
      domainName: 'localhost',
      domainPrefix: 'local',
      http: {
        method: route.method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.9',
        userAgent: 'fc',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: new Date(now).toISOString(),
      timeEpoch: now,
    },
    ...(request.body.length
      ? { body: request.base64 ? request.body.toString('base64') : request.body.toString('utf8') }
      : {}),
    isBase64Encoded: request.base64,
  };
};

/**
 * How a legitimate caller of each known route authenticates, so hostile bodies also get past the
 * credential check. Routes added later without an entry are still covered without credentials.
 */
const signers = (fixture: StackFixture): Record<string, (request: HostileRequest) => HostileRequest> => {
  const { apiKey, alerts } = fixture.stack.credentials;
  const withHeaders = (request: HostileRequest, headers: Record<string, string>) => ({
    ...request,
    headers: { ...request.headers, ...headers },
  });
  const hmacHex = (secret: string, ...parts: (string | Buffer)[]) => {
    const hmac = createHmac('sha256', secret);
    for (const part of parts) hmac.update(part);
    return hmac.digest('hex');
  };
  const seconds = () => String(Math.floor(Date.now() / 1000));
  const bearer = (token: string) => (request: HostileRequest) =>
    withHeaders(request, { authorization: `Bearer ${token}` });
  return {
    'POST /v1/replica-requests': (request) =>
      withHeaders(request, { authorization: `Bearer ${apiKey}`, 'idempotency-key': `prop-${randomUUID()}` }),
    'GET /v1/replica-requests/{id}': bearer(apiKey),
    'GET /v1/primaries/{id}/replicas': bearer(apiKey),
    'POST /v1/replica-removals': (request) =>
      withHeaders(request, { authorization: `Bearer ${apiKey}`, 'idempotency-key': `prop-${randomUUID()}` }),
    'GET /v1/replica-removals/{id}': bearer(apiKey),
    'POST /v1/alerts/alertmanager': bearer(alerts.alertmanagerToken),
    'POST /v1/alerts/tencent-monitor': (request) =>
      withHeaders(request, {
        authorization: `Basic ${Buffer.from(`${alerts.tencentMonitorUser}:${alerts.tencentMonitorPassword}`).toString('base64')}`,
      }),
    'POST /v1/alerts/tencent-monitor/{token}': (request) => ({
      ...request,
      pathValue: alerts.tencentMonitorPathToken,
    }),
    'POST /v1/alerts/cloudwatch': (request) => withHeaders(request, { 'x-api-key': alerts.cloudwatchApiKey }),
    'POST /v1/alerts/grafana': (request) => {
      const timestamp = seconds();
      return withHeaders(request, {
        authorization: `Bearer ${alerts.grafanaToken}`,
        'x-grafana-alerting-timestamp': timestamp,
        'x-grafana-alerting-signature': hmacHex(alerts.grafanaHmacSecret, `${timestamp}:`, request.body),
      });
    },
    'POST /v1/chatops/slack': (request) => {
      const timestamp = seconds();
      return withHeaders(request, {
        'x-slack-request-timestamp': timestamp,
        'x-slack-signature': `v0=${hmacHex(SLACK_SECRET, `v0:${timestamp}:`, request.body)}`,
      });
    },
    'POST /v1/tickets/jira': (request) =>
      withHeaders(request, { 'x-hub-signature': `sha256=${hmacHex(JIRA_SECRET, request.body)}` }),
  };
};

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/x-www-form-urlencoded',
  'text/plain',
  'application/xml',
];

/** Hostile requests: bodies of every bad kind, random and near-credential headers. */
const hostileRequest = (seedBody: unknown): fc.Arbitrary<HostileRequest> =>
  fc.record({
    body: fc.oneof(
      hostileBody,
      mutatedObject(seedBody).map((value) => Buffer.from(JSON.stringify(value) ?? 'null', 'utf8')),
    ),
    base64: fc.boolean(),
    headers: fc.record(
      {
        'content-type': fc.oneof(fc.constantFrom(...CONTENT_TYPES), hostileHeaderValue),
        authorization: fc.oneof(
          fc.constantFrom('Bearer ', 'Bearer x', 'Basic Og==', 'Basic ###', 'Negotiate abc'),
          hostileHeaderValue.map((value) => `Bearer ${value}`),
        ),
        'idempotency-key': hostileHeaderValue,
        'x-slack-signature': hostileHeaderValue.map((value) => `v0=${value}`),
        'x-slack-request-timestamp': fc.oneof(
          fc.constantFrom('0', '-1', '1e99', '999999999999'),
          hostileHeaderValue,
        ),
        'x-hub-signature': hostileHeaderValue.map((value) => `sha256=${value}`),
        'x-grafana-alerting-signature': hostileHeaderValue,
        'x-api-key': hostileHeaderValue,
      },
      { requiredKeys: [] },
    ),
    pathValue: fc.oneof(
      fc.constantFrom('r-0123456789abcdef', '..', '%00', '__proto__'),
      fc.string({ unit: 'binary' }),
    ),
  });

describe('every HTTP route under hostile input', () => {
  let fixture: StackFixture;
  let deps: Dependencies;
  let sent: SentMessage[];
  let ingest: (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;
  let routes: Route[];
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  let restoreLogs: () => void = () => undefined;

  beforeAll(async () => {
    fixture = await startStackFixture({
      slack: { signingSecret: SLACK_SECRET },
      jira: { webhookSecret: JIRA_SECRET, projects: ['OPS'] },
    });
    const recording = new RecordingQueue();
    sent = recording.sent;
    // The real store (dynalite), a queue that only records: nothing hostile input does leaves the test.
    deps = { ...fixture.stack.dependencies, queue: recording };
    const handler = buildIngestHandler(deps);
    ingest = async (event) =>
      (await handler(event, lambdaContext('ingest'))) as APIGatewayProxyStructuredResultV2;
    routes = ingressRoutes(deps);
    process.on('unhandledRejection', onUnhandled);
    restoreLogs = silenceJsonLogs();
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    restoreLogs();
    await fixture?.close();
  });

  it('enumerates the routes from ingressRoutes(deps), so routes added later are covered too', () => {
    expect(routes.length).toBeGreaterThanOrEqual(2);
    expect(routes.map((route) => `${route.method} ${route.path}`)).toContain('POST /v1/replica-requests');
  });

  it('answers every route with a 4xx, never a 5xx or a 2xx, and enqueues nothing, without credentials', async () => {
    for (const route of routes) {
      await assertProperty(
        fc.asyncProperty(hostileRequest(SEED_EXAMPLE_REQUEST), async (request) => {
          const before = sent.length;
          const answer = await ingest(eventFor(route, request));
          const status = answer.statusCode ?? 200;
          expect(status, `${route.method} ${route.path}`).toBeGreaterThanOrEqual(400);
          expect(status, `${route.method} ${route.path}`).toBeLessThan(500);
          expect(sent.length).toBe(before);
        }),
        { numRuns: RUNS },
      );
    }
    expect(unhandled).toEqual([]);
  });

  it('never answers 5xx with valid credentials and hostile bodies, and enqueues only for a 2xx', async () => {
    const signerOf = signers(fixture);
    for (const route of routes) {
      const name = `${route.method} ${route.path}`;
      const sign = signerOf[name] ?? ((request: HostileRequest) => request);
      await assertProperty(
        fc.asyncProperty(hostileRequest(SEED_EXAMPLE_REQUEST), async (hostile) => {
          const before = sent.length;
          const answer = await ingest(eventFor(route, sign(hostile)));
          const status = answer.statusCode ?? 200;
          expect(status, `${name}: ${answer.body}`).toBeLessThan(500);
          if (status >= 300) expect(sent.length, name).toBe(before);
        }),
        { numRuns: RUNS },
      );
    }
    expect(unhandled).toEqual([]);
  });

  it('gets past the credential check of every signed route with the signers above, so bodies are judged on content', async () => {
    // The property above only means something if its signed requests are authenticated; this
    // checks the signers with one fixed body per route instead of hoping some draw shows it.
    const signerOf = signers(fixture);
    const signedRoutes = routes.filter((route) => signerOf[`${route.method} ${route.path}`] !== undefined);
    expect(signedRoutes.length).toBeGreaterThanOrEqual(2);
    for (const route of signedRoutes) {
      const name = `${route.method} ${route.path}`;
      const sign = signerOf[name] as (request: HostileRequest) => HostileRequest;
      const answer = await ingest(
        eventFor(
          route,
          sign({
            body: Buffer.from('{}'),
            base64: false,
            headers: { 'content-type': 'application/json' },
            pathValue: 'r-0123456789abcdef',
          }),
        ),
      );
      expect(answer.statusCode, `${name}: ${answer.body}`).not.toBe(401);
      expect(answer.statusCode, `${name}: ${answer.body}`).not.toBe(403);
      expect(answer.statusCode ?? 200, `${name}: ${answer.body}`).toBeLessThan(500);
    }
  });

  it('accepts the seed example itself (202) and queues it once: a valid body gets through the same path', async () => {
    const submit = routes.find((route) => route.path === '/v1/replica-requests' && route.method === 'POST');
    const sign = signers(fixture)['POST /v1/replica-requests'] as (request: HostileRequest) => HostileRequest;
    const before = sent.length;

    const answer = await ingest(
      eventFor(
        submit as Route,
        sign({
          body: Buffer.from(JSON.stringify(SEED_EXAMPLE_REQUEST)),
          base64: false,
          headers: { 'content-type': 'application/json' },
          pathValue: '',
        }),
      ),
    );

    expect(answer.statusCode, answer.body).toBe(202);
    expect(sent.length).toBe(before + 1);
  });

  it('rejects forged signatures, stale timestamps and replayed deliveries of a signed source', async () => {
    const slack = routes.find((route) => route.path === '/v1/chatops/slack');
    const jira = routes.find((route) => route.path === '/v1/tickets/jira');
    const grafana = routes.find((route) => route.path === '/v1/alerts/grafana');
    const body = Buffer.from('token=x&team_id=T1&user_id=U1&command=%2Freplica&text=help&channel_id=C1');
    const base = {
      body,
      base64: false,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      pathValue: '',
    };
    const signed = signers(fixture);

    await assertProperty(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 63 }),
        fc.integer({ min: 301, max: 10 ** 7 }),
        async (flip, age) => {
          for (const route of [slack, jira, grafana].filter((candidate) => candidate !== undefined)) {
            const good = (
              signed[`${route.method} ${route.path}`] as (request: HostileRequest) => HostileRequest
            )(base);
            const forged = Object.fromEntries(
              Object.entries(good.headers).map(([name, value]) => [
                name,
                /signature/.test(name) ? flipHex(value, flip) : value,
              ]),
            );
            const stale = Object.fromEntries(
              Object.entries(good.headers).map(([name, value]) => [
                name,
                /timestamp/.test(name) ? String(Number(value) - age) : value,
              ]),
            );
            const forgedAnswer = await ingest(eventFor(route, { ...good, headers: forged }));
            expect(forgedAnswer.statusCode, `${route.path} forged`).toBe(401);
            if (Object.keys(good.headers).some((name) => /timestamp/.test(name))) {
              const staleAnswer = await ingest(eventFor(route, { ...good, headers: stale }));
              expect(staleAnswer.statusCode, `${route.path} stale`).toBe(401);
            }
          }
        },
      ),
      { numRuns: 25 },
    );

    // A replay of an accepted API submission is the same request, never a second one.
    const key = `replay-${randomUUID()}`;
    const submit = routes.find(
      (route) => route.path === '/v1/replica-requests' && route.method === 'POST',
    ) as Route;
    const request: HostileRequest = {
      body: Buffer.from(JSON.stringify(SEED_EXAMPLE_REQUEST)),
      base64: false,
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${fixture.stack.credentials.apiKey}`,
        'idempotency-key': key,
      },
      pathValue: '',
    };
    const first = await ingest(eventFor(submit, request));
    const replay = await ingest(eventFor(submit, request));
    expect(first.statusCode).toBe(202);
    expect(replay.statusCode).toBe(202);
    expect(replay.headers?.['idempotent-replayed']).toBe('true');
    expect(JSON.parse(replay.body ?? '{}').requestId).toBe(JSON.parse(first.body ?? '{}').requestId);
  });

  it('survives deep nesting, huge strings and prototype keys in JSON bodies of every route', async () => {
    const signerOf = signers(fixture);
    for (const route of routes.filter((candidate) => candidate.method === 'POST')) {
      const sign = signerOf[`${route.method} ${route.path}`] ?? ((request: HostileRequest) => request);
      await assertProperty(
        fc.asyncProperty(hostileJson, async (text) => {
          const answer = await ingest(
            eventFor(
              route,
              sign({
                body: Buffer.from(text),
                base64: false,
                headers: { 'content-type': 'application/json' },
                pathValue: '',
              }),
            ),
          );
          expect(answer.statusCode ?? 200).toBeLessThan(500);
        }),
        { numRuns: Math.ceil(RUNS / 2) },
      );
    }
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect(unhandled).toEqual([]);
  });
});

/** Changes one hex digit of a signature (after any `v0=` / `sha256=` prefix). */
const flipHex = (value: string, position: number): string => {
  const start = value.lastIndexOf('=') + 1;
  const index = start + (position % Math.max(1, value.length - start));
  const digit = value[index] ?? '0';
  return `${value.slice(0, index)}${digit === '0' ? '1' : '0'}${value.slice(index + 1)}`;
};
