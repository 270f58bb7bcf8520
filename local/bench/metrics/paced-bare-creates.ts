import type { RunningEmulator } from '@replica-flow/tencent-emulator/server.ts';
import { POSTPAID_PRIMARY } from '#local/bench/bench-stack.ts';
import { forEachLimited } from '#local/bench/seed-records.ts';
import { SEED_EXAMPLE_REQUEST } from '#local/cli/demo-command.ts';
import type { TencentRateLimits } from '#shared/adapters/tencent/rate-limiter.ts';
import { TencentApiError } from '#shared/adapters/tencent/tencent-api-error.ts';
import { createTencentPostgres } from '#shared/adapters/tencent/tencent-postgres-client.ts';
import { DEFAULT_DEPLOYMENT } from '#shared/domain/deployment-identity.ts';
import { instanceNameFor } from '#shared/domain/idempotency.ts';
import { parseReplicaPlan } from '#shared/domain/replica-plan.ts';
import { createRequestParams } from '#shared/use-cases/create-request-params.ts';

/**
 * The burst's same-run baseline, its floor: `count` CreateReadOnlyDBInstance calls, `concurrency` at
 * a time, through the Tencent client the local stack builds (`createTencentPostgres`: the real
 * tencentcloud-sdk-nodejs client, its keep-alive create agent, the token bucket at `limits`), against
 * the same emulator, with none of replica-flow's queues, store or use-cases around them. A throttled
 * answer takes another token and retries. Answers the seconds from the first token to the last
 * answer: what the burst would take if replica-flow's own work were free.
 *
 * The client is built here, not taken from the stack, so its token bucket starts full and its
 * connections are its own; `timeoutSeconds` is the stack's (10 s, `local-stack.ts`).
 */
export const pacedBareCreates = async (
  emulator: RunningEmulator,
  options: {
    readonly count: number;
    readonly limits: TencentRateLimits;
    readonly concurrency: number;
    readonly timeoutSeconds?: number;
  },
): Promise<number> => {
  const { DBVersion: _deprecated, ...fields } = SEED_EXAMPLE_REQUEST;
  const plan = parseReplicaPlan({
    ...fields,
    ReadOnlyGroupId: undefined,
    MasterDBInstanceId: POSTPAID_PRIMARY,
  });
  const tencent = createTencentPostgres({
    credentials: emulator.credentials,
    endpoint: emulator.endpoint,
    protocol: 'http://',
    timeoutSeconds: options.timeoutSeconds ?? 10,
    rateLimits: options.limits,
  });
  const started = performance.now();
  await forEachLimited(
    Array.from({ length: options.count }, (_, index) => `r-paced${String(index).padStart(10, '0')}`),
    options.concurrency,
    async (requestId) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await tencent.createReadOnlyDBInstance(
            plan.Region,
            createRequestParams(plan, requestId, instanceNameFor(requestId), DEFAULT_DEPLOYMENT),
          );
        } catch (error) {
          const throttled =
            error instanceof TencentApiError && error.tencentCode?.startsWith('RequestLimitExceeded');
          if (attempt >= 5 || !throttled) throw error;
        }
      }
    },
  );
  return (performance.now() - started) / 1000;
};
