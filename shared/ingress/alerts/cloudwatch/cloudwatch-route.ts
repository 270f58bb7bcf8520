import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { sameSecret } from '#shared/http/constant-time.ts';
import { HttpError } from '#shared/http/http-error.ts';
import { jsonResponse } from '#shared/http/http-response.ts';
import { header, readRawBody } from '#shared/http/request-body.ts';
import { parseAlertBody } from '#shared/ingress/alerts/alert-body.ts';
import type { AlertRouteDependencies } from '#shared/ingress/alerts/alert-route-dependencies.ts';
import { cloudwatchAlarmEventSchema } from '#shared/ingress/alerts/cloudwatch/cloudwatch-alarm-event.ts';
import { intakeCloudWatchAlarm } from '#shared/ingress/alerts/cloudwatch/cloudwatch-alarm-intake.ts';
import { logger } from '#shared/logger.ts';

/**
 * `POST /v1/alerts/cloudwatch`: an EventBridge API destination whose connection sends the API key
 * (`CLOUDWATCH_API_KEY`) in `CLOUDWATCH_API_KEY_HEADER` (default `x-api-key`). The body is the
 * event itself (no input transformer).
 */
export const cloudwatchRoute =
  (deps: AlertRouteDependencies) =>
  async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const settings = deps.alerts.cloudwatch;
    if (!sameSecret(header(event, settings.apiKeyHeader), settings.apiKey)) {
      logger.warn('alert credentials refused', { source: 'cloudwatch' });
      throw new HttpError(401, 'UNAUTHORIZED', 'Missing or invalid credentials');
    }
    const bytes = readRawBody(event, deps.alerts.bodyLimitBytes);
    const alarm = parseAlertBody(bytes, cloudwatchAlarmEventSchema, 'CloudWatch alarm state change');
    const receipt = await intakeCloudWatchAlarm(alarm, {
      ...deps,
      ...(deps.alerts.callbackUrl ? { callbackUrl: deps.alerts.callbackUrl } : {}),
    });
    return jsonResponse(200, receipt);
  };
