import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Policy } from '#shared/domain/policy.ts';
import { tencentFields } from '#shared/domain/replica-request-fields.ts';
import { parseFields } from '#shared/domain/replica-request-issues.ts';
import type { ApiKey } from '#shared/http/api-keys.ts';
import { authenticateBearer, maySeeAll } from '#shared/http/api-keys.ts';
import { forbidden } from '#shared/http/http-error.ts';
import { jsonResponse } from '#shared/http/http-response.ts';
import { header } from '#shared/http/request-body.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { MetricsRecorder } from '#shared/ports/metrics.ts';
import type { TencentPostgres } from '#shared/ports/tencent-postgres.ts';
import { type FleetViewDependencies, fleetOverview, fleetView } from '#shared/use-cases/fleet-view.ts';
import * as z from '#shared/util/zod-mini.ts';

/** The path's `{id}` (the primary) and the optional `?region=` (else the policy's or the records'). */
const fleetQuerySchema = z.strictObject({
  MasterDBInstanceId: tencentFields.MasterDBInstanceId,
  Region: z.optional(tencentFields.Region),
});

export interface FleetRouteDependencies {
  readonly store: FleetViewDependencies['store'];
  readonly tencent?: TencentPostgres | undefined;
  readonly clock: Clock;
  readonly policy: Policy;
  readonly apiKeys: readonly ApiKey[];
  readonly settings: { readonly deployment?: string | undefined };
  readonly metrics?: MetricsRecorder | undefined;
}

/** Cross-request data: `reader`, `approver` and `admin` keys; a `submitter` key is refused (403). */
const authorizeFleetReader = (event: APIGatewayProxyEventV2, apiKeys: readonly ApiKey[]): void => {
  const caller = authenticateBearer(header(event, 'authorization'), apiKeys);
  if (!maySeeAll(caller)) {
    throw forbidden(
      `API key ${caller.name} (role ${caller.role}) may not see the fleet: it shows every requester's replicas; use a reader, approver or admin key`,
    );
  }
};

/**
 * `GET /v1/primaries/{id}/replicas[?region=]`: the primary's fleet (`fleet-view.ts`), orphans and
 * drift included. Cross-request data (every requester's replicas, the budgets' spend): `reader`,
 * `approver` and `admin` keys; a `submitter` key is refused with 403. A bad id or region is a 400
 * naming the field (`MasterDBInstanceId`, `Region`).
 */
export const fleetRoute =
  (deps: FleetRouteDependencies) =>
  async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    authorizeFleetReader(event, deps.apiKeys);
    const query = parseFields(fleetQuerySchema, 'fleet query', {
      MasterDBInstanceId: event.pathParameters?.id ?? '',
      ...(event.queryStringParameters?.region === undefined
        ? {}
        : { Region: event.queryStringParameters.region }),
    });
    const view = await fleetView(
      query.MasterDBInstanceId,
      { ...deps, deployment: deps.settings.deployment },
      { region: query.Region },
    );
    return jsonResponse(200, view);
  };

/**
 * `GET /v1/fleet`: the view of every primary with active records or named exactly in the policy
 * (`fleetOverview`); same keys as the primary's view.
 */
export const fleetOverviewRoute =
  (deps: FleetRouteDependencies) =>
  async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    authorizeFleetReader(event, deps.apiKeys);
    return jsonResponse(200, await fleetOverview({ ...deps, deployment: deps.settings.deployment }));
  };
