import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { lambdaNotifyDependencies, type NotifyFunctionDependencies } from '#functions/notify.deps.ts';
import { callbackRulesOf } from '#shared/config/callback-rules.ts';
import { logger } from '#shared/logger.ts';
import { lambdaHandler } from '#shared/runtime/lambda-handler.ts';
import { observability } from '#shared/runtime/observability.ts';
import { consumeSqsBatch, deadLetter, retryIn } from '#shared/runtime/sqs-batch.ts';
import { notifyMessageSchema } from '#shared/use-cases/queue-messages.ts';
import { sendNotification } from '#shared/use-cases/send-notification.ts';
import { windowedBackoffSeconds } from '#shared/util/backoff.ts';

/**
 * SQS (notify queue): the signed completion webhook, retried with backoff through the queue for the
 * whole retry window (the delays are stretched so the queue's maximum receives last that long), then
 * moved to the dead-letter queue; the request keeps its UNDELIVERED notification and every attempt.
 * The delay is chosen before each attempt and written on the record as the chain's next due time, and
 * the message is hidden for exactly that long, so one notification has one retry chain.
 */
export const buildNotifyHandler = (deps: NotifyFunctionDependencies) =>
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
        process: async (message, record) => {
          const windowMs = deps.settings.webhookRetryWindowMs;
          const result = await sendNotification(message, {
            ...deps,
            callbackRules: callbackRulesOf(deps.settings),
            retryWindowMs: windowMs,
            retryDelaySeconds: (notification, now) =>
              windowedBackoffSeconds({
                receiveCount: Number(record.attributes.ApproximateReceiveCount) || 1,
                maxReceives: deps.settings.notifyMaxReceiveCount,
                windowMs,
                remainingMs:
                  windowMs - (now.getTime() - Date.parse(notification.firstAttemptAt ?? now.toISOString())),
                backoff: deps.settings.retryBackoff,
              }),
          });
          if (result.outcome === 'undelivered') {
            deps.metrics?.add('WebhooksUndelivered', {});
            return deadLetter(`not delivered within the ${Math.round(windowMs / 60_000)} min retry window`);
          }
          if (result.outcome === 'retry') return retryIn(result.retryInSeconds ?? 1);
          return result.outcome;
        },
      }),
    );

export const handler = lambdaHandler(buildNotifyHandler, lambdaNotifyDependencies);
