import { setTimeout as sleep } from 'node:timers/promises';
import { forEachLimited } from '#local/chaos/async-loops.ts';
import type { RemovalRun } from '#local/chaos/removal-outcomes.ts';
import type { RemovalSubmission } from '#local/chaos/removal-workload.ts';
import { ApiCallError, type ApiClient } from '#local/cli/api-client.ts';

const SUBMIT_CONCURRENCY = 8;

/**
 * Submits the removals through `POST /v1/replica-removals`, 8 at a time; a 503 is retried with the
 * same key, any other refusal is kept (a border case must be answered 400).
 */
export const submitRemovals = async (
  api: ApiClient,
  submissions: readonly RemovalSubmission[],
): Promise<RemovalRun> => {
  const requestIds = new Map<string, string>();
  const refusedAtBorder = new Map<string, number>();
  await forEachLimited(submissions, SUBMIT_CONCURRENCY, async (submission) => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const answer = await api.remove(submission.body, submission.idempotencyKey);
        requestIds.set(submission.idempotencyKey, answer.requestId);
        return;
      } catch (error) {
        if (!(error instanceof ApiCallError)) return;
        if (error.status !== 503 || attempt >= 5) {
          refusedAtBorder.set(submission.idempotencyKey, error.status);
          return;
        }
        await sleep(200 * attempt);
      }
    }
  });
  return { submissions, requestIds, refusedAtBorder };
};
