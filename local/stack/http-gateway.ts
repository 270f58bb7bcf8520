import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { lambdaContext } from '#local/stack/lambda-context.ts';
import { logger } from '#shared/logger.ts';

export type HttpFunction = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2 | undefined>;

export interface RunningGateway {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** API Gateway's payload limit is 10 MB; the routes enforce their own, much smaller limits. */
const GATEWAY_LIMIT_BYTES = 10 * 1024 * 1024;
const TEXT_TYPES = /^(application\/(?:[\w.+-]+\+)?json|application\/x-www-form-urlencoded|text\/)/i;

/**
 * The local HTTP API: turns each request into an API Gateway HTTP API (payload v2) event, invokes
 * the ingest function with it, and writes its answer back — what API Gateway does in AWS.
 */
export const startHttpGateway = async (options: {
  readonly port?: number;
  readonly host?: string;
  readonly handler: HttpFunction;
}): Promise<RunningGateway> => {
  const server: Server = createServer((request, response) => {
    void serve(request, response, options.handler);
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

const serve = async (request: IncomingMessage, response: ServerResponse, handler: HttpFunction) => {
  try {
    const body = await readBody(request);
    if (body === undefined)
      return send(response, { statusCode: 413, body: '{"message":"Request Entity Too Large"}' });
    const result = await handler(toEvent(request, body), lambdaContext('ingest', 30_000));
    send(response, result ?? { statusCode: 200 });
  } catch (error) {
    logger.error('ingest function failed', { error });
    send(response, { statusCode: 500, body: '{"message":"Internal Server Error"}' });
  }
};

const readBody = (request: IncomingMessage): Promise<Buffer | undefined> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= GATEWAY_LIMIT_BYTES) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > GATEWAY_LIMIT_BYTES ? undefined : Buffer.concat(chunks)));
    request.on('error', reject);
  });

const isUtf8 = (bytes: Buffer): boolean => {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
};

const toEvent = (request: IncomingMessage, body: Buffer): APIGatewayProxyEventV2 => {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const asText = TEXT_TYPES.test(headers['content-type'] ?? '') && isUtf8(body);
  const now = Date.now();
  const query = Object.fromEntries(url.searchParams);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: new Date(now).toISOString(),
      timeEpoch: now,
    },
    ...(body.length ? { body: asText ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !asText,
  };
};

const send = (response: ServerResponse, result: APIGatewayProxyStructuredResultV2) => {
  if (response.headersSent) return;
  const headers: Record<string, string | number | boolean> = { ...(result.headers ?? {}) };
  const body = result.body
    ? Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8')
    : Buffer.alloc(0);
  response.writeHead(result.statusCode ?? 200, { ...headers, 'content-length': body.length });
  response.end(body);
};
