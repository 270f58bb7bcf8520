import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchStack } from '#local/bench/bench-stack.ts';
import { emulatorOf } from '#local/bench/bench-stack.ts';
import { requestPoster } from '#local/bench/request-poster.ts';
import { forEachLimited } from '#local/bench/seed-records.ts';
import { SEED_EXAMPLE_REQUEST } from '#local/cli/demo-command.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';

const { DBVersion: _deprecated, ...seedFields } = SEED_EXAMPLE_REQUEST;

export interface SubmissionOptions {
  readonly count: number;
  /** Requests in flight on the API at once (default 64). */
  readonly concurrency?: number;
  /** Pause between two submissions, to spread them over time (default none: all at once). */
  readonly spacingMs?: number;
  readonly callbackUrl?: string;
  /** Give up waiting after this long (the records are read and reported as they are). */
  readonly deadlineMs: number;
}

export interface SubmissionOutcome {
  /** Epoch ms just before the first request was sent. */
  readonly startedAt: number;
  readonly requestIds: readonly string[];
  /** Per request that reached it, when it was recorded SUBMITTED (its DealNames stored), epoch ms. */
  readonly submittedAt: readonly number[];
  /** Final state of every request when the wait ended. */
  readonly states: Readonly<Record<string, number>>;
  /** Submissions the API refused (never expected). */
  readonly refused: number;
  /** Replicas the emulator created for these requests. */
  readonly replicasCreated: number;
}

const submittedAtOf = (record: RequestRecord | undefined): number | undefined => {
  const entry = record?.history.find((line) => line.state === 'SUBMITTED');
  return entry ? Date.parse(entry.at) : undefined;
};

/**
 * Submits `count` replica requests through the HTTP API (as clients do) and waits until every one
 * is recorded SUBMITTED, or the deadline. The wait watches the emulator's replica count (cheap, so the
 * stack under test is not slowed by the watching) and reads the records only once they all exist.
 */
export const submitAndWait = async (
  bench: BenchStack,
  options: SubmissionOptions,
): Promise<SubmissionOutcome> => {
  const { stack } = bench;
  const emulator = emulatorOf(stack);
  const concurrency = options.concurrency ?? 64;
  const poster = requestPoster(stack.ingressUrl, stack.credentials.apiKey, concurrency);
  const runId = randomUUID().slice(0, 8);
  const replicasBefore = emulator.instances().length;
  const requestIds: string[] = [];
  let refused = 0;
  const startedAt = Date.now();
  const deadline = startedAt + options.deadlineMs;
  await forEachLimited(
    Array.from({ length: options.count }, (_, index) => index),
    concurrency,
    async (index) => {
      if (options.spacingMs) await sleep(Math.max(0, startedAt + index * options.spacingMs - Date.now()));
      try {
        const answer = await poster.post(
          { ...seedFields, ...(options.callbackUrl ? { callback: { url: options.callbackUrl } } : {}) },
          `bench-${runId}-${index}`,
        );
        requestIds.push(answer.requestId);
      } catch {
        refused += 1;
      }
    },
  );
  poster.close();
  const created = () => emulator.instances().length - replicasBefore;
  // Each look lists every replica on the stack's thread; the times come from the records, not from here.
  while (created() < requestIds.length && Date.now() < deadline) await sleep(250);
  let records: (RequestRecord | undefined)[] = [];
  do {
    records = await readRecords(bench, requestIds);
    if (records.every((record) => submittedAtOf(record) !== undefined)) break;
    await sleep(200);
  } while (Date.now() < deadline);
  const states: Record<string, number> = {};
  for (const record of records) {
    const state = record?.state ?? 'MISSING';
    states[state] = (states[state] ?? 0) + 1;
  }
  return {
    startedAt,
    requestIds,
    submittedAt: records.flatMap((record) => submittedAtOf(record) ?? []),
    states,
    refused,
    replicasCreated: created(),
  };
};

const readRecords = async (bench: BenchStack, requestIds: readonly string[]) => {
  const records: (RequestRecord | undefined)[] = new Array(requestIds.length);
  await forEachLimited(requestIds, 20, async (requestId, index) => {
    records[index] = await bench.stack.dependencies.store.get(requestId);
  });
  return records;
};
