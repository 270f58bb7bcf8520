import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import httpRouterHandler from '@middy/http-router';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Dependencies } from '#shared/config/dependencies.ts';
import { lambdaDependencies } from '#shared/config/lambda-dependencies.ts';
import { policyFrom } from '#shared/config/policy-adapter-builder.ts';
import { tencentReaderFrom } from '#shared/config/tencent-reader-adapter-builder.ts';
import { errorResponse } from '#shared/http/http-response.ts';
import { ingressRoutes } from '#shared/ingress/routes.ts';
import { logger } from '#shared/logger.ts';
import { lambdaHandler } from '#shared/runtime/lambda-handler.ts';
import { observability } from '#shared/runtime/observability.ts';

/** HTTP API: every ingress route (generic API now; chat, alert and ticket sources join in routes.ts). */
export const buildIngestHandler = (deps: Dependencies) =>
  middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(observability(deps))
    .use({
      onError: (request) => {
        request.response = errorResponse(request.error);
      },
    })
    .handler(httpRouterHandler(ingressRoutes(deps)));

export const handler = lambdaHandler(
  buildIngestHandler,
  lambdaDependencies({ policy: policyFrom, tencent: tencentReaderFrom }),
);
