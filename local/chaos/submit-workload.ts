import { setTimeout as sleep } from 'node:timers/promises';
import { forEachLimited } from '#local/chaos/async-loops.ts';
import type { Submission } from '#local/chaos/workload.ts';
import { ApiCallError, type ApiClient } from '#local/cli/api-client.ts';

const SUBMIT_CONCURRENCY = 16;

/** Submits through the HTTP API; a 503 (the store or queue briefly unavailable) is retried with the same key. */
const submitWithRetry = async (api: ApiClient, submission: Submission): Promise<string | undefined> => {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return (await api.submit(submission.body, submission.idempotencyKey)).requestId;
    } catch (error) {
      if (!(error instanceof ApiCallError && error.status === 503) || attempt >= 5) return undefined;
      await sleep(200 * attempt);
    }
  }
};

/**
 * Submits the workload 16 at a time, as clients would; answers the request id of each idempotency key
 * (a key the API never accepted has none, and counts as lost). `onSubmitted` runs for each accepted one.
 */
export const submitWorkload = async (
  api: ApiClient,
  submissions: readonly Submission[],
  onSubmitted: (requestId: string) => void,
): Promise<Map<string, string>> => {
  const requestIds = new Map<string, string>();
  await forEachLimited(submissions, SUBMIT_CONCURRENCY, async (submission) => {
    const requestId = await submitWithRetry(api, submission);
    if (!requestId) return;
    requestIds.set(submission.idempotencyKey, requestId);
    onSubmitted(requestId);
  });
  return requestIds;
};
