import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import type { Dependencies } from '#shared/config/dependencies.ts';
import { logger } from '#shared/logger.ts';
import { lambdaHandler } from '#shared/runtime/lambda-handler.ts';
import type { PollReport } from '#shared/use-cases/poll-in-flight.ts';
import { pollInFlight } from '#shared/use-cases/poll-in-flight.ts';

/** Schedule: one poll cycle over the in-flight requests. */
export const buildPollHandler = (deps: Dependencies) =>
  middy<ScheduledEvent, PollReport>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (_event, context) => {
      const report = await pollInFlight({
        ...deps,
        visibilityGraceMs: deps.settings.visibilityGraceMs,
        requeueAfterMs: deps.settings.requeueAfterMs,
        lockMs: deps.settings.pollLockMs,
        owner: context.awsRequestId,
      });
      logger.info('poll cycle', { ...report });
      return report;
    });

export const handler = lambdaHandler(buildPollHandler);
