import { Agent, request } from 'node:http';

export interface PostedRequest {
  readonly requestId: string;
}

/**
 * POSTs replica requests to the local API the way a client does, over at most `connections`
 * keep-alive connections, with `node:http`: the load driver shares the stack's thread, and fetch's
 * web streams cost it twice the CPU per request (the bench measures the stack, not its client).
 */
export const requestPoster = (baseUrl: string, apiKey: string, connections: number) => {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const url = new URL('/v1/replica-requests', baseUrl);
  const post = (body: unknown, idempotencyKey: string): Promise<PostedRequest> =>
    new Promise((resolve, reject) => {
      const payload = JSON.stringify(body);
      const call = request(
        url,
        {
          method: 'POST',
          agent,
          headers: {
            authorization: `Bearer ${apiKey}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
            'idempotency-key': idempotencyKey,
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const status = response.statusCode ?? 0;
            if (status < 200 || status > 299) reject(new Error(`HTTP ${status}: ${text}`));
            else resolve(JSON.parse(text) as PostedRequest);
          });
        },
      );
      call.on('error', reject);
      call.end(payload);
    });
  return { post, close: () => agent.destroy() };
};
