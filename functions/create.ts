import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { type CreateFunctionDependencies, lambdaCreateDependencies } from '#functions/create.deps.ts';
import { logger } from '#shared/logger.ts';
import { lambdaHandler } from '#shared/runtime/lambda-handler.ts';
import { observability } from '#shared/runtime/observability.ts';
import { consumeSqsBatch } from '#shared/runtime/sqs-batch.ts';
import type { CreateDependencies } from '#shared/use-cases/create-replica.ts';
import { createReplica } from '#shared/use-cases/create-replica.ts';
import { knownGroupsFor } from '#shared/use-cases/known-groups.ts';
import { createMessageSchema } from '#shared/use-cases/queue-messages.ts';

/** SQS (create queue): CreateReadOnlyDBInstance exactly once per request; stores the DealNames. */
export const buildCreateHandler = (
  deps: CreateFunctionDependencies,
  hooks: Pick<CreateDependencies, 'afterCall'> = {},
) => {
  // Kept by this function instance (a warm container) across invocations: known-groups.ts.
  const knownGroups = knownGroupsFor(deps.clock);
  return middy<SQSEvent, SQSBatchResponse>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(observability(deps))
    .handler((event, context) =>
      consumeSqsBatch(event, context, {
        queueName: 'create',
        schema: createMessageSchema,
        queue: deps.queue,
        backoff: deps.settings.retryBackoff,
        ...(deps.deadLetters ? { deadLetters: deps.deadLetters } : {}),
        process: ({ requestId }) =>
          createReplica(requestId, {
            ...deps,
            ...hooks,
            knownGroups,
            leaseMs: deps.settings.leaseMs,
            ...(deps.settings.deployment ? { deployment: deps.settings.deployment } : {}),
            owner: context.awsRequestId,
          }),
      }),
    );
};

export const handler = lambdaHandler((deps) => buildCreateHandler(deps), lambdaCreateDependencies);
