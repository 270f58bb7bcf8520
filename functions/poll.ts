import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { lambdaPollDependencies, type PollFunctionDependencies } from '#functions/poll.deps.ts';
import { logger } from '#shared/logger.ts';
import { lambdaHandler } from '#shared/runtime/lambda-handler.ts';
import { observability } from '#shared/runtime/observability.ts';
import { deadlineWatch, recordPollCycle } from '#shared/runtime/poll-metrics.ts';
import { type DeadLetterScan, markDeadLetters } from '#shared/use-cases/mark-dead-letters.ts';
import type { PollReport } from '#shared/use-cases/poll-in-flight.ts';
import { pollInFlight } from '#shared/use-cases/poll-in-flight.ts';
import { type ScaleInReport, stepScaleIn } from '#shared/use-cases/scale-in-step.ts';

/**
 * Schedule: one poll cycle over the in-flight requests; then (by the run lock's holder) the
 * scale-in step (`scale-in-step.ts`) and, when the dead-letter queues are configured, the
 * dead-letter scan that marks requests whose messages died.
 */
export const buildPollHandler = (deps: PollFunctionDependencies) =>
  middy<ScheduledEvent, PollReport & { scaleIn?: ScaleInReport; deadLetters?: DeadLetterScan }>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(observability(deps))
    .handler(async (_event, context) => {
      const deadlines = deadlineWatch(deps.store, deps.clock);
      const report = await pollInFlight({
        ...deps,
        store: deadlines.store,
        visibilityGraceMs: deps.settings.visibilityGraceMs,
        requeueAfterMs: deps.settings.requeueAfterMs,
        lockMs: deps.settings.pollLockMs,
        ...(deps.settings.deployment ? { deployment: deps.settings.deployment } : {}),
        // The minimum (restore-minimums.ts): the policy's scaleOut.minReplicas, claimed by a marker.
        policy: deps.policy,
        markers: deps.store,
        owner: context.awsRequestId,
      });
      const scaleIn = report.skipped
        ? undefined
        : await stepScaleIn({ ...deps, deployment: deps.settings.deployment }).catch((error: unknown) => {
            logger.warn('poll: scale-in step failed; the next cycle tries again', {
              error: error instanceof Error ? error.message : String(error),
            });
            return undefined;
          });
      const deadLetters =
        report.skipped || !deps.deadLetters
          ? undefined
          : await markDeadLetters({ ...deps, deadLetters: deps.deadLetters }).catch((error: unknown) => {
              logger.warn('poll: dead-letter scan failed; the next cycle scans again', {
                error: error instanceof Error ? error.message : String(error),
              });
              return undefined;
            });
      recordPollCycle(deps.metrics, report, deadlines.pastDeadline());
      const extra = { ...(scaleIn ? { scaleIn } : {}), ...(deadLetters ? { deadLetters } : {}) };
      logger.info('poll cycle', { ...report, ...extra });
      return { ...report, ...extra };
    });

export const handler = lambdaHandler(buildPollHandler, lambdaPollDependencies);
