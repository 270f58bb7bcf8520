import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { SEED_EXAMPLE_REQUEST } from '#local/cli/demo-command.ts';
import { parseApiKeys } from '#shared/http/api-keys.ts';
import { errorResponse } from '#shared/http/http-response.ts';
import { statusRoute } from '#shared/ingress/api/status-route.ts';
import { submitRoute } from '#shared/ingress/api/submit-route.ts';
import type { MessageQueue } from '#shared/ports/message-queue.ts';
import { httpEvent } from '#test/support/http-event.ts';
import { InMemoryStore } from '#test/support/in-memory-store.ts';

/** An HTTP answer as the caller reads it: status and parsed JSON body. */
export interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown> & {
    readonly error?: { readonly code: string; readonly message: string };
  };
}

/** A route's answer, or the error it threw mapped as the ingest handler maps it, as the caller reads it. */
export const answerOf = async <Body extends Answer['body'] = Answer['body']>(
  call: () => Promise<APIGatewayProxyStructuredResultV2>,
): Promise<{ readonly status: number; readonly body: Body }> => {
  let result: APIGatewayProxyStructuredResultV2;
  try {
    result = await call();
  } catch (error) {
    result = errorResponse(error);
  }
  return { status: result.statusCode ?? 0, body: JSON.parse(result.body ?? '{}') as Body };
};

/**
 * The generic API's two routes over an in-memory store and a recording queue, with the API keys of
 * `keysSetting` (`REPLICA_FLOW_API_KEYS` syntax). Errors are mapped as the ingest handler maps them.
 */
export const apiHarness = (keysSetting: string, now = new Date('2026-11-29T12:00:00Z')) => {
  const store = new InMemoryStore();
  const sent: unknown[] = [];
  const queue = {
    send: async (_queue: string, body: unknown) => {
      sent.push(body);
    },
  } as unknown as MessageQueue;
  const deps = { store, queue, clock: { now: () => now }, apiKeys: parseApiKeys(keysSetting) };
  const submit = submitRoute({ ...deps, bodyLimitBytes: 64 * 1024 });
  const status = statusRoute(deps);
  return {
    store,
    sent,
    /** The ports the other sources' routes take. */
    deps,
    post: (apiKey: string, idempotencyKey: string, body: unknown = SEED_EXAMPLE_REQUEST) =>
      answerOf(() =>
        submit(
          httpEvent({
            path: '/v1/replica-requests',
            headers: { authorization: `Bearer ${apiKey}`, 'idempotency-key': idempotencyKey },
            body: JSON.stringify(body),
          }),
        ),
      ),
    get: (apiKey: string, requestId: string) =>
      answerOf(() =>
        status(
          httpEvent({
            method: 'GET',
            path: `/v1/replica-requests/${requestId}`,
            routeKey: 'GET /v1/replica-requests/{id}',
            headers: { authorization: `Bearer ${apiKey}` },
            pathParameters: { id: requestId },
          }),
        ),
      ),
  };
};
