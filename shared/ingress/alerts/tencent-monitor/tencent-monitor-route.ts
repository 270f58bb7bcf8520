import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { HttpError } from '#shared/http/http-error.ts';
import { jsonResponse } from '#shared/http/http-response.ts';
import { readRawBody } from '#shared/http/request-body.ts';
import { parseAlertBody } from '#shared/ingress/alerts/alert-body.ts';
import type { AlertRouteDependencies } from '#shared/ingress/alerts/alert-route-dependencies.ts';
import { submitAlerts } from '#shared/ingress/alerts/alert-to-request.ts';
import { readTencentMonitorAlarm } from '#shared/ingress/alerts/tencent-monitor/tencent-monitor-alarm.ts';
import { isTencentMonitorCaller } from '#shared/ingress/alerts/tencent-monitor/tencent-monitor-auth.ts';
import { tencentMonitorPayloadSchema } from '#shared/ingress/alerts/tencent-monitor/tencent-monitor-payload.ts';
import { logger } from '#shared/logger.ts';

/**
 * `POST /v1/alerts/tencent-monitor` (HTTP Basic in the callback URL) and
 * `POST /v1/alerts/tencent-monitor/{token}` (secret path token). Answers what the callback doc
 * asks for, `{"sessionId": …, "retCode": 0}`, once the alarm is recorded or ignored.
 */
export const tencentMonitorRoute =
  (deps: AlertRouteDependencies) =>
  async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    if (!isTencentMonitorCaller(event, deps.alerts.tencentMonitor)) {
      logger.warn('alert credentials refused', { source: 'tencent-monitor' });
      // Basic, not Bearer: the only header credential this route takes.
      throw new HttpError(401, 'UNAUTHORIZED', 'Missing or invalid credentials', [], {
        'www-authenticate': 'Basic realm="replica-flow"',
      });
    }
    const bytes = readRawBody(event, deps.alerts.bodyLimitBytes);
    const payload = parseAlertBody(bytes, tencentMonitorPayloadSchema, 'Cloud Monitor alarm callback');
    await submitAlerts([readTencentMonitorAlarm(payload)], {
      ...deps,
      ...(deps.alerts.callbackUrl ? { callbackUrl: deps.alerts.callbackUrl } : {}),
    });
    return jsonResponse(200, { sessionId: payload.sessionId, retCode: 0 });
  };
