import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { HttpError } from '#shared/http/http-error.ts';
import { jsonResponse } from '#shared/http/http-response.ts';
import { readRawBody } from '#shared/http/request-body.ts';
import { parseAlertBody } from '#shared/ingress/alerts/alert-body.ts';
import type { AlertRouteDependencies } from '#shared/ingress/alerts/alert-route-dependencies.ts';
import { submitAlerts } from '#shared/ingress/alerts/alert-to-request.ts';
import { readGrafanaAlerts } from '#shared/ingress/alerts/grafana/grafana-alerts.ts';
import { isGrafanaCaller } from '#shared/ingress/alerts/grafana/grafana-auth.ts';
import { grafanaPayloadSchema } from '#shared/ingress/alerts/grafana/grafana-payload.ts';
import { logger } from '#shared/logger.ts';

/**
 * `POST /v1/alerts/grafana`: a Grafana webhook contact point with an HMAC signature and/or a
 * Bearer token. The signature covers the exact bytes received, so they are checked before parsing.
 */
export const grafanaRoute =
  (deps: AlertRouteDependencies) =>
  async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const body = readRawBody(event, deps.alerts.bodyLimitBytes);
    const caller = {
      event,
      body,
      now: deps.clock.now(),
      replayWindowSeconds: deps.alerts.replayWindowSeconds,
    };
    if (!isGrafanaCaller(caller, deps.alerts.grafana)) {
      logger.warn('alert credentials refused', { source: 'grafana' });
      throw new HttpError(401, 'UNAUTHORIZED', 'Missing or invalid credentials');
    }
    const payload = parseAlertBody(body, grafanaPayloadSchema, 'Grafana notification');
    const receipt = await submitAlerts(readGrafanaAlerts(payload, deps.alerts.labels), {
      ...deps,
      ...(deps.alerts.callbackUrl ? { callbackUrl: deps.alerts.callbackUrl } : {}),
    });
    return jsonResponse(200, receipt);
  };
