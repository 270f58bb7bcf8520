import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { NotFoundError } from '#shared/errors.ts';
import type { ApiKey } from '#shared/http/api-keys.ts';
import { authenticateBearer, maySee } from '#shared/http/api-keys.ts';
import { jsonResponse } from '#shared/http/http-response.ts';
import { header } from '#shared/http/request-body.ts';
import type { RequestStore } from '#shared/ports/request-store.ts';
import { requestView } from '#shared/use-cases/request-view.ts';

/**
 * `GET /v1/replica-requests/{id}`: state, history, instances. A `submitter` key sees only the requests
 * its key name made; a request it may not see is answered exactly as one that does not exist (404).
 */
export const statusRoute =
  (deps: { readonly store: RequestStore; readonly apiKeys: readonly ApiKey[] }) =>
  async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const caller = authenticateBearer(header(event, 'authorization'), deps.apiKeys);
    const requestId = event.pathParameters?.id ?? '';
    const record = /^r-[a-z0-9]{16}$/.test(requestId) ? await deps.store.get(requestId) : undefined;
    if (!record || !maySee(caller, record.requester))
      throw new NotFoundError(`No replica request ${requestId}`);
    return jsonResponse(200, requestView(record));
  };
