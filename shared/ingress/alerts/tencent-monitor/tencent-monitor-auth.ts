import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { basicCredentials, sameSecret } from '#shared/http/constant-time.ts';
import { header } from '#shared/http/request-body.ts';
import type { AlertIngressSettings } from '#shared/ingress/alerts/alert-settings.ts';

/**
 * Cloud Monitor signs nothing. A callback is accepted when it carries either configured credential:
 * HTTP Basic from the callback URL (`https://user:password@host/v1/alerts/tencent-monitor`, which
 * the sender turns into an `Authorization: Basic` header) or the secret path token
 * (`/v1/alerts/tencent-monitor/<token>`). Every configured check runs, so timing says nothing
 * about which one failed; with neither configured nothing is accepted.
 */
export const isTencentMonitorCaller = (
  event: APIGatewayProxyEventV2,
  settings: AlertIngressSettings['tencentMonitor'],
): boolean => {
  const presented = basicCredentials(header(event, 'authorization'));
  const userOk = sameSecret(presented?.user, settings.basic?.user);
  const passwordOk = sameSecret(presented?.password, settings.basic?.password);
  const pathOk = sameSecret(event.pathParameters?.token, settings.pathToken);
  return (userOk && passwordOk) || pathOk;
};
