import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { lambdaValidateDependencies, type ValidateFunctionDependencies } from '#functions/validate.deps.ts';
import { callbackRulesOf } from '#shared/config/callback-rules.ts';
import { logger } from '#shared/logger.ts';
import { lambdaHandler } from '#shared/runtime/lambda-handler.ts';
import { observability } from '#shared/runtime/observability.ts';
import { retryOnTransient } from '#shared/runtime/retry-on-transient.ts';
import { consumeSqsBatch } from '#shared/runtime/sqs-batch.ts';
import { isRequestMessage, requestsQueueMessageSchema } from '#shared/use-cases/requests-queue-message.ts';
import { validateRequest } from '#shared/use-cases/validate-request.ts';

/**
 * SQS (requests queue): parse, apply the policy, pre-check against Tencent, record, forward. A
 * CloudWatch alarm envelope (EventBridge rule → queue) is first recorded as a request, which
 * comes back through this queue as `{requestId}`.
 */
export const buildValidateHandler = (deps: ValidateFunctionDependencies) =>
  middy<SQSEvent, SQSBatchResponse>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(observability(deps))
    .handler((event, context) =>
      consumeSqsBatch(event, context, {
        queueName: 'requests',
        schema: requestsQueueMessageSchema,
        queue: deps.queue,
        backoff: deps.settings.retryBackoff,
        ...(deps.deadLetters ? { deadLetters: deps.deadLetters } : {}),
        process: async (message, record) => {
          if (!isRequestMessage(message)) {
            // Only stages wired to CloudWatch through EventBridge send these.
            // Lazy: see docs/bundling.md#ingest-sources-load-at-their-first-request
            const { intakeQueuedCloudWatchAlarm } = await import(
              '#shared/ingress/alerts/cloudwatch/queued-cloudwatch-alarm.ts'
            );
            const callbackUrl = deps.alerts?.callbackUrl;
            return intakeQueuedCloudWatchAlarm(record, { ...deps, ...(callbackUrl ? { callbackUrl } : {}) });
          }
          return retryOnTransient(() =>
            validateRequest(message.requestId, {
              ...deps,
              markers: deps.store,
              spend: deps.store,
              callbackRules: callbackRulesOf(deps.settings),
              provisioningTimeoutMs: deps.settings.provisioningTimeoutMs,
              ...(deps.settings.deployment ? { deployment: deps.settings.deployment } : {}),
            }),
          );
        },
      }),
    );

export const handler = lambdaHandler(buildValidateHandler, lambdaValidateDependencies);
