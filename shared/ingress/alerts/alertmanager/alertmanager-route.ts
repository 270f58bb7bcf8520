import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { bearerToken, sameSecret } from '#shared/http/constant-time.ts';
import { unauthorized } from '#shared/http/http-error.ts';
import { jsonResponse } from '#shared/http/http-response.ts';
import { header, readRawBody } from '#shared/http/request-body.ts';
import { parseAlertBody } from '#shared/ingress/alerts/alert-body.ts';
import type { AlertRouteDependencies } from '#shared/ingress/alerts/alert-route-dependencies.ts';
import { submitAlerts } from '#shared/ingress/alerts/alert-to-request.ts';
import { readAlertmanagerAlerts } from '#shared/ingress/alerts/alertmanager/alertmanager-alerts.ts';
import { alertmanagerPayloadSchema } from '#shared/ingress/alerts/alertmanager/alertmanager-payload.ts';
import { logger } from '#shared/logger.ts';

/**
 * `POST /v1/alerts/alertmanager`: a `webhook_config` receiver with `http_config.authorization`
 * (Bearer `ALERTMANAGER_TOKEN`). Answers 200 once every firing alert is recorded (Alertmanager
 * retries only 5xx), 401 for bad credentials, 400 for a body that is not a version 4 notification.
 */
export const alertmanagerRoute =
  (deps: AlertRouteDependencies) =>
  async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    if (!sameSecret(bearerToken(header(event, 'authorization')), deps.alerts.alertmanager.token)) {
      logger.warn('alert credentials refused', { source: 'alertmanager' });
      throw unauthorized();
    }
    const bytes = readRawBody(event, deps.alerts.bodyLimitBytes);
    const payload = parseAlertBody(bytes, alertmanagerPayloadSchema, 'Alertmanager notification');
    const receipt = await submitAlerts(readAlertmanagerAlerts(payload, deps.alerts.labels), {
      ...deps,
      ...(deps.alerts.callbackUrl ? { callbackUrl: deps.alerts.callbackUrl } : {}),
    });
    return jsonResponse(200, receipt);
  };
