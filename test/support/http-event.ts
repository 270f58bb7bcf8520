import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** An API Gateway HTTP API (payload v2) event, as the gateway hands it to ingest. */
export const httpEvent = (options: {
  readonly method?: string;
  readonly path: string;
  readonly routeKey?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  readonly pathParameters?: Record<string, string>;
}): APIGatewayProxyEventV2 => {
  const method = options.method ?? 'POST';
  const body = options.body;
  return {
    version: '2.0',
    routeKey: options.routeKey ?? `${method} ${options.path}`,
    rawPath: options.path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...options.headers },
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method, path: options.path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'test' },
      requestId: 'req',
      routeKey: options.routeKey ?? `${method} ${options.path}`,
      stage: '$default',
      time: '29/Nov/2026:11:20:00 +0000',
      timeEpoch: 1_795_951_200_000,
    },
    ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
    ...(body === undefined
      ? { isBase64Encoded: false }
      : Buffer.isBuffer(body)
        ? { body: body.toString('base64'), isBase64Encoded: true }
        : { body, isBase64Encoded: false }),
  };
};
