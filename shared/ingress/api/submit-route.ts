import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { idempotencyKeySchema, parseReplicaRequest } from '#shared/domain/replica-request.ts';
import type { ApiKey } from '#shared/http/api-keys.ts';
import { authenticateBearer, maySubmit } from '#shared/http/api-keys.ts';
import { badRequest, forbidden } from '#shared/http/http-error.ts';
import { jsonResponse } from '#shared/http/http-response.ts';
import { header, parseJsonBody } from '#shared/http/request-body.ts';
import type { SubmitDependencies } from '#shared/use-cases/submit-request.ts';
import { submitRequest } from '#shared/use-cases/submit-request.ts';

export interface ApiRouteDependencies extends SubmitDependencies {
  readonly apiKeys: readonly ApiKey[];
  readonly bodyLimitBytes: number;
}

export const readIdempotencyKeyHeader = (event: APIGatewayProxyEventV2): string | undefined => {
  const value = header(event, 'idempotency-key');
  if (value === undefined) return undefined;
  const parsed = idempotencyKeySchema.safeParse(value.trim());
  if (!parsed.success) {
    const message = parsed.error.issues[0]?.message ?? 'invalid';
    throw badRequest(`Idempotency-Key header: ${message}`, [{ field: 'Idempotency-Key', message }]);
  }
  return parsed.data;
};

/**
 * `POST /v1/replica-requests`: the generic API (also the recipe for ServiceNow and other ticket
 * systems). The key comes from the `Idempotency-Key` header or the body's `idempotencyKey`, and is
 * scoped to the API key's name (`api:<name>`): another caller's same key, a Slack or Jira one
 * included, is another request.
 */
export const submitRoute =
  (deps: ApiRouteDependencies) =>
  async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const caller = authenticateBearer(header(event, 'authorization'), deps.apiKeys);
    if (!maySubmit(caller)) throw forbidden(`A ${caller.role} key may not submit requests`);
    const request = parseReplicaRequest(parseJsonBody(event, deps.bodyLimitBytes));
    const headerKey = readIdempotencyKeyHeader(event);
    if (headerKey && request.idempotencyKey && headerKey !== request.idempotencyKey) {
      throw badRequest('Idempotency-Key header and body idempotencyKey differ', [
        { field: 'idempotencyKey', message: 'must equal the Idempotency-Key header when both are given' },
      ]);
    }
    const idempotencyKey = headerKey || request.idempotencyKey;
    if (!idempotencyKey) {
      throw badRequest('An idempotency key is required: send the Idempotency-Key header or idempotencyKey', [
        { field: 'idempotencyKey', message: 'required (header Idempotency-Key or body field)' },
      ]);
    }
    const { record, replayed } = await submitRequest(
      // The requester is always the authenticated caller: an API key cannot speak for a Slack user.
      { ...request, idempotencyKey, requester: { source: 'api', identity: caller.name } },
      deps,
    );
    const statusUrl = `/v1/replica-requests/${record.requestId}`;
    return jsonResponse(
      202,
      { requestId: record.requestId, state: record.state, statusUrl, replayed },
      { location: statusUrl, ...(replayed ? { 'idempotent-replayed': 'true' } : {}) },
    );
  };
