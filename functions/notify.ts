import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { Dependencies } from '#shared/config/dependencies.ts';
import { lambdaDependencies } from '#shared/config/lambda-dependencies.ts';
import { webhooksFrom } from '#shared/config/webhook-adapter-builder.ts';
import { logger } from '#shared/logger.ts';
import { lambdaHandler } from '#shared/runtime/lambda-handler.ts';
import { observability } from '#shared/runtime/observability.ts';
import { consumeSqsBatch, deadLetter } from '#shared/runtime/sqs-batch.ts';
import { notifyMessageSchema } from '#shared/use-cases/queue-messages.ts';
import { sendNotification } from '#shared/use-cases/send-notification.ts';
import { windowedBackoffSeconds } from '#shared/util/backoff.ts';

/**
 * SQS (notify queue): the signed completion webhook, retried with backoff through the queue for the
 * whole retry window (the delays are stretched so the queue's maximum receives last that long), then
 * moved to the dead-letter queue; the request keeps its UNDELIVERED notification and every attempt.
 */
export const buildNotifyHandler = (deps: Dependencies) =>
  middy<SQSEvent, SQSBatchResponse>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(observability(deps))
    .handler((event, context) =>
      consumeSqsBatch(event, context, {
        queueName: 'notify',
        schema: notifyMessageSchema,
        queue: deps.queue,
        backoff: deps.settings.retryBackoff,
        ...(deps.deadLetters ? { deadLetters: deps.deadLetters } : {}),
        retryDelaySeconds: (receiveCount, record) =>
          windowedBackoffSeconds({
            receiveCount,
            maxReceives: deps.settings.notifyMaxReceiveCount,
            windowMs: deps.settings.webhookRetryWindowMs,
            remainingMs:
              deps.settings.webhookRetryWindowMs -
              (deps.clock.now().getTime() -
                (Number(record.attributes.ApproximateFirstReceiveTimestamp) || 0)),
            backoff: deps.settings.retryBackoff,
          }),
        process: async (message) => {
          const windowMs = deps.settings.webhookRetryWindowMs;
          const outcome = await sendNotification(message, { ...deps, retryWindowMs: windowMs });
          if (outcome === 'undelivered') deps.metrics?.add('WebhooksUndelivered', {});
          return outcome === 'undelivered'
            ? deadLetter(`not delivered within the ${Math.round(windowMs / 60_000)} min retry window`)
            : outcome;
        },
      }),
    );

export const handler = lambdaHandler(buildNotifyHandler, lambdaDependencies({ webhooks: webhooksFrom }));
