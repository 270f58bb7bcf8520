import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedWebhook {
  readonly id: string;
  readonly receivedAt: number;
  /** Verified and parsed with the `standardwebhooks` library, as a receiver would. */
  readonly payload: { type: string; timestamp: string; data: Record<string, unknown> };
  readonly headers: IncomingHttpHeaders;
}

export interface WebhookReceiver {
  readonly url: string;
  readonly received: ReceivedWebhook[];
  /** Every delivery attempt, answered or failed, by its `webhook-id` header (to count retries). */
  readonly attempts: { readonly id: string; readonly at: number }[];
  /** Attempts that failed verification (never expected). */
  readonly rejected: { reason: string }[];
  /** Answer the next `count` deliveries with `status` (simulates an outage). */
  failNext(count: number, status?: number): void;
  /** Answer every delivery with `status` for the next `ms` milliseconds (a receiver that is down). */
  outage(ms: number, status?: number): void;
  /** Answer each delivery with a 5xx with this probability from now on (0 = healthy again). */
  flaky(probability: number, random?: () => number): void;
  /** Deliveries answered with a failure so far (by `failNext`, `outage` or `flaky`). */
  readonly failures: () => number;
  /** Resolves with the first verified webhook for the request. */
  waitFor(requestId: string, timeoutMs: number): Promise<ReceivedWebhook>;
  close(): Promise<void>;
}

/** A webhook receiver on 127.0.0.1 that verifies Standard Webhooks signatures with the reference library. */
export const startWebhookReceiver = async (secret: string): Promise<WebhookReceiver> => {
  const verifier = new Webhook(secret);
  const received: ReceivedWebhook[] = [];
  const rejected: { reason: string }[] = [];
  const attempts: { id: string; at: number }[] = [];
  const waiters: { requestId: string; resolve: (webhook: ReceivedWebhook) => void }[] = [];
  let failures = 0;
  let failureStatus = 503;
  let downUntil = 0;
  let downStatus = 503;
  let flakiness = 0;
  let flakyRandom: () => number = Math.random;
  let failed = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      attempts.push({ id: String(request.headers['webhook-id']), at: Date.now() });
      if (failures > 0) {
        failures -= 1;
        failed += 1;
        response.writeHead(failureStatus).end();
        return;
      }
      if (Date.now() < downUntil || (flakiness > 0 && flakyRandom() < flakiness)) {
        failed += 1;
        response.writeHead(Date.now() < downUntil ? downStatus : 500).end();
        return;
      }
      try {
        const payload = verifier.verify(
          Buffer.concat(chunks).toString('utf8'),
          request.headers as Record<string, string>,
        ) as ReceivedWebhook['payload'];
        const webhook = {
          id: String(request.headers['webhook-id']),
          receivedAt: Date.now(),
          payload,
          headers: request.headers,
        };
        received.push(webhook);
        for (const waiter of waiters.filter((candidate) => candidate.requestId === payload.data.requestId)) {
          waiter.resolve(webhook);
        }
        response.writeHead(204).end();
      } catch (error) {
        rejected.push({ reason: (error as Error).message });
        response.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/replica-flow`,
    received,
    attempts,
    rejected,
    failNext: (count, status = 503) => {
      failures = count;
      failureStatus = status;
    },
    outage: (ms, status = 503) => {
      downUntil = Date.now() + ms;
      downStatus = status;
    },
    flaky: (probability, random = Math.random) => {
      flakiness = probability;
      flakyRandom = random;
    },
    failures: () => failed,
    waitFor: (requestId, timeoutMs) => {
      const already = received.find((webhook) => webhook.payload.data.requestId === requestId);
      if (already) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no webhook for ${requestId} within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          requestId,
          resolve: (webhook) => {
            clearTimeout(timer);
            resolve(webhook);
          },
        });
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
