import type { RunningEmulator } from '@replica-flow/tencent-emulator/server.ts';
import { POSTPAID_PRIMARY } from '#local/bench/bench-stack.ts';
import { bareTencentClient } from '#local/bench/metrics/bare-round-trips.ts';
import { forEachLimited } from '#local/bench/seed-records.ts';
import { SEED_EXAMPLE_REQUEST } from '#local/cli/demo-command.ts';
import { TencentRateLimiter, type TencentRateLimits } from '#shared/adapters/tencent/rate-limiter.ts';
import { instanceNameFor } from '#shared/domain/idempotency.ts';
import { parseReplicaPlan } from '#shared/domain/replica-plan.ts';
import { createRequestParams } from '#shared/use-cases/create-request-params.ts';

/**
 * The burst's same-run baseline: `count` CreateReadOnlyDBInstance calls through the bare Tencent SDK,
 * `concurrency` at a time, each waiting for its token from the same limiter the stack uses (a
 * throttled answer takes another token and retries). Answers the seconds from the first token to the
 * last answer: what the burst would take if replica-flow's own work were free.
 */
export const pacedBareCreates = async (
  emulator: RunningEmulator,
  options: { readonly count: number; readonly limits: TencentRateLimits; readonly concurrency: number },
): Promise<number> => {
  const { DBVersion: _deprecated, ...fields } = SEED_EXAMPLE_REQUEST;
  const plan = parseReplicaPlan({
    ...fields,
    ReadOnlyGroupId: undefined,
    MasterDBInstanceId: POSTPAID_PRIMARY,
  });
  const client = bareTencentClient(emulator, plan.Region);
  const limiter = new TencentRateLimiter(options.limits);
  const started = performance.now();
  await forEachLimited(
    Array.from({ length: options.count }, (_, index) => `r-paced${String(index).padStart(10, '0')}`),
    options.concurrency,
    async (requestId) => {
      for (let attempt = 1; ; attempt++) {
        await limiter.take('CreateReadOnlyDBInstance');
        try {
          return await client.CreateReadOnlyDBInstance(
            createRequestParams(plan, requestId, instanceNameFor(requestId)),
          );
        } catch (error) {
          if (attempt >= 5 || !String((error as { code?: string }).code).startsWith('RequestLimitExceeded'))
            throw error;
        }
      }
    },
  );
  return (performance.now() - started) / 1000;
};
