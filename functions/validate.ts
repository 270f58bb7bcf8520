import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { Dependencies } from '#shared/config/dependencies.ts';
import { logger } from '#shared/logger.ts';
import { lambdaHandler } from '#shared/runtime/lambda-handler.ts';
import { retryOnTransient } from '#shared/runtime/retry-on-transient.ts';
import { consumeSqsBatch } from '#shared/runtime/sqs-batch.ts';
import { requestMessageSchema } from '#shared/use-cases/queue-messages.ts';
import { validateRequest } from '#shared/use-cases/validate-request.ts';

/** SQS (requests queue): parse, apply the policy, pre-check against Tencent, record, forward. */
export const buildValidateHandler = (deps: Dependencies) =>
  middy<SQSEvent, SQSBatchResponse>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler((event, context) =>
      consumeSqsBatch(event, context, {
        queueName: 'requests',
        schema: requestMessageSchema,
        queue: deps.queue,
        backoff: deps.settings.retryBackoff,
        process: ({ requestId }) =>
          retryOnTransient(() =>
            validateRequest(requestId, {
              ...deps,
              callbackRules: {
                localMode: deps.settings.localMode,
                allowedHosts: deps.settings.allowedCallbackHosts,
              },
              provisioningTimeoutMs: deps.settings.provisioningTimeoutMs,
            }),
          ),
      }),
    );

export const handler = lambdaHandler(buildValidateHandler);
