import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { Dependencies } from '#shared/config/dependencies.ts';
import { logger } from '#shared/logger.ts';
import { lambdaHandler } from '#shared/runtime/lambda-handler.ts';
import { consumeSqsBatch } from '#shared/runtime/sqs-batch.ts';
import { notifyMessageSchema } from '#shared/use-cases/queue-messages.ts';
import { sendNotification } from '#shared/use-cases/send-notification.ts';

/** SQS (notify queue): the signed completion webhook, retried with backoff through the queue. */
export const buildNotifyHandler = (deps: Dependencies) =>
  middy<SQSEvent, SQSBatchResponse>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler((event, context) =>
      consumeSqsBatch(event, context, {
        queueName: 'notify',
        schema: notifyMessageSchema,
        queue: deps.queue,
        backoff: deps.settings.retryBackoff,
        process: (message) =>
          sendNotification(message, { ...deps, retryWindowMs: deps.settings.webhookRetryWindowMs }),
      }),
    );

export const handler = lambdaHandler(buildNotifyHandler);
