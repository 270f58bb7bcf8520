import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { parseReplicaRemoval } from '#shared/domain/removal-request.ts';
import { NotFoundError } from '#shared/errors.ts';
import { authenticateBearer, maySee, maySubmit } from '#shared/http/api-keys.ts';
import { badRequest, forbidden } from '#shared/http/http-error.ts';
import { jsonResponse } from '#shared/http/http-response.ts';
import { header, parseJsonBody } from '#shared/http/request-body.ts';
import type { ApiRouteDependencies } from '#shared/ingress/api/submit-route.ts';
import { readIdempotencyKeyHeader } from '#shared/ingress/api/submit-route.ts';
import { requestView } from '#shared/use-cases/request-view.ts';
import { submitRemoval } from '#shared/use-cases/submit-removal.ts';

const statusUrlOf = (requestId: string): string => `/v1/replica-removals/${requestId}`;

/**
 * `POST /v1/replica-removals`: remove one read-only replica of `MasterDBInstanceId` (the named
 * `DBInstanceId`, or the one replica-flow picks). The key comes from the `Idempotency-Key` header or
 * the body's `idempotencyKey` (both: they must agree), scoped to the API key's name in the removals'
 * own namespace. The key's role travels with the request: only an `admin` key may remove a prepaid replica.
 */
export const submitRemovalRoute =
  (deps: ApiRouteDependencies) =>
  async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const caller = authenticateBearer(header(event, 'authorization'), deps.apiKeys);
    if (!maySubmit(caller)) throw forbidden(`A ${caller.role} key may not submit removals`);
    const removal = parseReplicaRemoval(parseJsonBody(event, deps.bodyLimitBytes));
    const headerKey = readIdempotencyKeyHeader(event);
    if (headerKey && removal.idempotencyKey && headerKey !== removal.idempotencyKey) {
      throw badRequest('Idempotency-Key header and body idempotencyKey differ', [
        { field: 'idempotencyKey', message: 'must equal the Idempotency-Key header when both are given' },
      ]);
    }
    const idempotencyKey = headerKey || removal.idempotencyKey;
    if (!idempotencyKey) {
      throw badRequest('An idempotency key is required: send the Idempotency-Key header or idempotencyKey', [
        { field: 'idempotencyKey', message: 'required (header Idempotency-Key or body field)' },
      ]);
    }
    const { record, replayed } = await submitRemoval(
      {
        ...removal,
        idempotencyKey,
        requester: { source: 'api', identity: caller.name },
        trigger: { kind: 'api', role: caller.role },
      },
      deps,
    );
    const statusUrl = statusUrlOf(record.requestId);
    return jsonResponse(
      202,
      { requestId: record.requestId, state: record.state, statusUrl, replayed },
      { location: statusUrl, ...(replayed ? { 'idempotent-replayed': 'true' } : {}) },
    );
  };

/**
 * `GET /v1/replica-removals/{id}`: a removal's state, target and history. A removal the key may not
 * see, a create's id, and an unknown id are answered alike: 404.
 */
export const removalStatusRoute =
  (deps: Pick<ApiRouteDependencies, 'store' | 'apiKeys'>) =>
  async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const caller = authenticateBearer(header(event, 'authorization'), deps.apiKeys);
    const requestId = event.pathParameters?.id ?? '';
    const record = /^r-[a-z0-9]{16}$/.test(requestId) ? await deps.store.get(requestId) : undefined;
    if (record?.kind !== 'removal' || !maySee(caller, record.requester))
      throw new NotFoundError(`No replica removal ${requestId}`);
    return jsonResponse(200, requestView(record));
  };
