import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { approvalDecisions } from '#local/chaos/approval-decisions.ts';
import { every } from '#local/chaos/async-loops.ts';
import { chaosRandom } from '#local/chaos/chaos-random.ts';
import { type ChaosReport, chaosReport } from '#local/chaos/chaos-report.ts';
import {
  CHAOS_POLICY_FILE,
  CHAOS_WORLD_FILE,
  chaosSettings,
  DELAY_FAULT_MS,
  POLL_INTERVAL_MS,
  TENCENT_TIMEOUT_SECONDS,
} from '#local/chaos/chaos-settings.ts';
import { crashInjector } from '#local/chaos/crash-injector.ts';
import { duplicateDeliveries } from '#local/chaos/duplicate-deliveries.ts';
import { chaosFaultPlan } from '#local/chaos/fault-plan.ts';
import { overlappingPollers } from '#local/chaos/overlapping-pollers.ts';
import { receiverOutage } from '#local/chaos/receiver-outage.ts';
import { readRecords, waitUntilSettled } from '#local/chaos/settled-records.ts';
import { submitWorkload } from '#local/chaos/submit-workload.ts';
import { visibilityDelays } from '#local/chaos/visibility-delays.ts';
import { webhookAttemptStats } from '#local/chaos/webhook-attempts.ts';
import { chaosWorkload } from '#local/chaos/workload.ts';
import { apiClient } from '#local/cli/api-client.ts';
import { startLocalStack } from '#local/stack/local-stack.ts';
import { startWebhookReceiver } from '#local/stack/webhook-receiver.ts';
import { parseApiKeys } from '#shared/http/api-keys.ts';
import { DUE_LEEWAY_MS } from '#shared/use-cases/claim-notification-attempt.ts';

/** Between notify deciding an attempt and the receiver reading its clock: the busy stack's event-loop lag. */
const ATTEMPT_TIMING_TOLERANCE_MS = 1000;

export interface ChaosRunOptions {
  readonly requests: number;
  readonly seed: number;
  /** How long to wait for every request to end and be told (default grows with `requests`). */
  readonly deadlineMs?: number;
  /** Progress lines (to stderr from the CLI). */
  readonly log?: (line: string) => void;
}

/**
 * One chaos run: a local stack with a faulty Tencent emulator, crashing create handlers, duplicate
 * and concurrent deliveries, overlapping pollers, delays in order and instance visibility, and a
 * webhook receiver that is down for a while and flaky afterwards. Waits until every request has
 * ended and been told (or the deadline), then counts from Tencent's side and the records.
 */
export const runChaos = async (options: ChaosRunOptions): Promise<ChaosReport> => {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const random = chaosRandom(options.seed);
  const plan = chaosFaultPlan(random.fork('faults'), { delayMs: DELAY_FAULT_MS, requests: options.requests });
  const dataDir = await mkdtemp(path.join(tmpdir(), 'replica-flow-chaos-'));
  let redeliver: (requestId: string) => void = () => undefined;
  const crashes = crashInjector(random.fork('crashes'), plan.crashProbability, (requestId) =>
    redeliver(requestId),
  );
  const approverKey = `chaos-approver-${randomUUID()}`;
  const stack = await startLocalStack({
    dataDir,
    world: CHAOS_WORLD_FILE,
    policyFile: CHAOS_POLICY_FILE,
    pollIntervalMs: POLL_INTERVAL_MS,
    settings: chaosSettings(options.requests),
    tencentTimeoutSeconds: TENCENT_TIMEOUT_SECONDS,
    afterCreateCall: crashes.afterCreateCall,
    // The chaos approver: decides the requests the policy makes wait (postgres-gzprep01, prepaid).
    apiKeys: parseApiKeys(`chaos-approver:${approverKey}:approver`),
  });
  const receiver = await startWebhookReceiver(stack.credentials.webhookSecret);
  const stopped = new AbortController();
  const background: Promise<unknown>[] = [];
  try {
    const emulator = stack.emulator;
    if (!emulator) throw new Error('the chaos run needs the Tencent emulator');
    const shiftVisibility = visibilityDelays(emulator, stack.dependencies.settings, random.fork('timings'));
    shiftVisibility();
    emulator.addFaults(plan.emulator);
    // A crashed invocation's message comes back at once (a retrying queue), while the lease is held.
    redeliver = (requestId) => {
      void stack.dependencies.queue.send('create', { requestId }).catch(() => undefined);
    };
    const pollers = overlappingPollers(stack);
    background.push(
      receiverOutage(receiver, plan.receiver, random.fork('receiver'), { signal: stopped.signal, log }),
      every(700, stopped.signal, async () => shiftVisibility()),
      every(400, stopped.signal, () => pollers.round()),
    );
    const duplicates = duplicateDeliveries(stack, { afterCall: crashes.afterCreateCall }, random.fork('dup'));
    const dupRandom = random.fork('dup-schedule');
    const duplicateRuns: Promise<unknown>[] = [];

    const submissions = chaosWorkload(random.fork('workload'), {
      count: options.requests,
      callbackUrl: receiver.url,
      runId: randomUUID().slice(0, 8),
    });
    log(`submitting ${submissions.length} requests`);
    const api = apiClient(stack.ingressUrl, stack.credentials.apiKey);
    const approvals = approvalDecisions(
      stack.ingressUrl,
      approverKey,
      async (requestId) => (await stack.dependencies.store.get(requestId))?.state,
      random.fork('approvals'),
    );
    const approvalRuns: Promise<unknown>[] = [];
    const requestIds = await submitWorkload(api, submissions, (requestId) => {
      approvalRuns.push(approvals.watch(requestId, 20_000).catch(() => undefined));
      if (!dupRandom.chance(plan.duplicateProbability)) return;
      const delayMs = dupRandom.int(0, 3000);
      duplicateRuns.push(
        sleep(delayMs)
          .then(() => duplicates.deliver(requestId))
          .catch(() => undefined),
      );
    });
    log('submitted; waiting for every request to end and be told');

    const deadline = started + (options.deadlineMs ?? Math.max(60_000, options.requests * 400));
    const records = await waitUntilSettled(stack.dependencies.store, new Set(requestIds.values()), deadline);
    await Promise.allSettled(duplicateRuns);
    await Promise.allSettled(approvalRuns);
    stopped.abort();
    await Promise.allSettled(background);
    // Whatever was in flight when the loops stopped (a poll cycle, a direct invocation) has settled.
    const final = await readRecords(stack.dependencies.store, [...records.keys()]);
    const injected = emulator.faults().injected;
    return chaosReport({
      seed: options.seed,
      submissions,
      requestIds,
      records: final,
      instances: emulator.instances(),
      webhooks: receiver.received,
      webhookAttempts: webhookAttemptStats(receiver.attempts, {
        minDelayMs: (chaosSettings(options.requests).retryBackoff?.baseSeconds ?? 1) * 1000,
        leewayMs: DUE_LEEWAY_MS,
        toleranceMs: ATTEMPT_TIMING_TOLERANCE_MS,
      }),
      faults: {
        ...injected.byKind,
        tencentFaultsTotal: injected.total,
        crashesAfterCreateCall: crashes.crashes(),
        duplicateQueuedCopies: duplicates.counts().queuedCopies,
        concurrentDirectInvocations: duplicates.counts().concurrentInvocations,
        overlappingPollRounds: pollers.counts().rounds,
        pollsSkippedByLock: pollers.counts().skippedByLock,
        locklessPolls: pollers.counts().lockless,
        webhookFailuresAnswered: receiver.failures(),
        webhookOutageMs: plan.receiver.outageMs,
        replays: submissions.filter((submission) => submission.replay).length,
        ...approvals.counts(),
      },
      durationMs: Date.now() - started,
    });
  } finally {
    stopped.abort();
    await Promise.allSettled(background);
    await receiver.close();
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
};
