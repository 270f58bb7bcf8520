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
import { chaosFaultPlan, REMOVAL_ACTIONS } from '#local/chaos/fault-plan.ts';
import { fleetSafetyCounters } from '#local/chaos/fleet-safety.ts';
import { createForeignReplicas } from '#local/chaos/foreign-replicas.ts';
import { minimumRequestsOf } from '#local/chaos/minimum-requests.ts';
import { overlappingPollers } from '#local/chaos/overlapping-pollers.ts';
import { receiverOutage } from '#local/chaos/receiver-outage.ts';
import { removalWave } from '#local/chaos/removal-wave.ts';
import { type ScaleInAlertsRun, sendScaleInAlerts } from '#local/chaos/scale-in-alerts.ts';
import { waitForCandidacyEnd } from '#local/chaos/scale-in-outcomes.ts';
import { scaleInStepIds } from '#local/chaos/scale-in-steps.ts';
import { readRecords, waitUntilSettled } from '#local/chaos/settled-records.ts';
import { submitWorkload } from '#local/chaos/submit-workload.ts';
import { visibilityDelays } from '#local/chaos/visibility-delays.ts';
import { webhookAttemptStats } from '#local/chaos/webhook-attempts.ts';
import { chaosWorkload } from '#local/chaos/workload.ts';
import { apiClient } from '#local/cli/api-client.ts';
import { loadOrCreateLocalCredentials } from '#local/stack/local-credentials.ts';
import { startLocalStack } from '#local/stack/local-stack.ts';
import { startWebhookReceiver } from '#local/stack/webhook-receiver.ts';
import { DEFAULT_DEPLOYMENT } from '#shared/domain/deployment-identity.ts';
import type { Policy } from '#shared/domain/policy.ts';
import { fleetPolicyOf } from '#shared/domain/policy-fleet.ts';
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
  const removerKey = `chaos-remover-${randomUUID()}`;
  const runId = randomUUID().slice(0, 8);
  // The receiver first: alert-driven requests (the scale-in steps) send their webhooks to it too.
  const receiver = await startWebhookReceiver((await loadOrCreateLocalCredentials(dataDir)).webhookSecret);
  const stack = await startLocalStack({
    dataDir,
    world: CHAOS_WORLD_FILE,
    policyFile: CHAOS_POLICY_FILE,
    pollIntervalMs: POLL_INTERVAL_MS,
    settings: chaosSettings(options.requests),
    tencentTimeoutSeconds: TENCENT_TIMEOUT_SECONDS,
    afterCreateCall: crashes.afterCreateCall,
    // The chaos approver: decides the requests the policy makes wait (postgres-gzprep01, prepaid). The
    // remover submits the removals: a submitter, so a prepaid replica must be refused it.
    apiKeys: parseApiKeys(`chaos-approver:${approverKey}:approver,chaos-remover:${removerKey}:submitter`),
    alerts: { callbackUrl: receiver.url },
  }).catch(async (error: unknown) => {
    await receiver.close();
    throw error;
  });
  const stopped = new AbortController();
  const background: Promise<unknown>[] = [];
  try {
    const emulator = stack.emulator;
    if (!emulator) throw new Error('the chaos run needs the Tencent emulator');
    const shiftVisibility = visibilityDelays(emulator, stack.dependencies.settings, random.fork('timings'));
    shiftVisibility();
    // Replicas of postgres-abcdef replica-flow did not make (by hand; another deployment's), before any fault.
    const foreign = await createForeignReplicas(stack.dependencies.tencent, emulator, {
      runId,
      timeoutMs: 10_000,
    });
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
      runId,
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
    const onSubmitted = (requestId: string) => {
      approvalRuns.push(approvals.watch(requestId, 20_000).catch(() => undefined));
      if (!dupRandom.chance(plan.duplicateProbability)) return;
      const delayMs = dupRandom.int(0, 3000);
      duplicateRuns.push(
        sleep(delayMs)
          .then(() => duplicates.deliver(requestId))
          .catch(() => undefined),
      );
    };
    // The last tenth of the creates comes with the removals (scale-outs and scale-ins of one primary meet).
    const lateCount = Math.max(3, Math.round(submissions.length / 10));
    const early = submissions.slice(0, submissions.length - lateCount);
    const requestIds = await submitWorkload(api, early, onSubmitted);
    log('submitted; removing replicas once they are made, with the last creates and the scale-in alerts');
    let alerts: Promise<ScaleInAlertsRun> | undefined;
    const removals = await removalWave({
      store: stack.dependencies.store,
      api: apiClient(stack.ingressUrl, removerKey),
      random: random.fork('removals'),
      createIds: [...requestIds.values()],
      foreign,
      callbackUrl: receiver.url,
      runId,
      named: Math.max(3, Math.round(options.requests / 12)),
      waitMs: Math.max(20_000, options.requests * 200),
      alongside: async () => {
        // Alert-driven scale-in of postgres-bjorder1 meets the late creates and the removals.
        alerts = sendScaleInAlerts({
          ingressUrl: stack.ingressUrl,
          token: stack.credentials.alerts.alertmanagerToken,
          random: random.fork('scale-in'),
          runId,
          store: stack.dependencies.store,
        });
        const late = await submitWorkload(api, submissions.slice(early.length), onSubmitted);
        for (const [key, requestId] of late) requestIds.set(key, requestId);
      },
    });
    log(`submitted ${removals.submissions.length} removals; waiting for every request to end and be told`);

    const deadline = started + (options.deadlineMs ?? Math.max(60_000, options.requests * 400));
    if (!alerts) throw new Error('the removal wave never ran the late creates and the scale-in alerts');
    const alertRun = await alerts;
    const settledRecords = await waitUntilSettled(
      stack.dependencies.store,
      new Set([...requestIds.values(), ...removals.requestIds.values(), ...alertRun.firingRequestIds]),
      deadline,
    );
    // The steps are all recorded once the last candidacy ended (at the primary's minimum).
    const lastCandidacyEnded = await waitForCandidacyEnd(stack.dependencies.store, deadline);
    const steps = await scaleInStepIds(stack.dependencies.store, alertRun.candidacies);
    const stepIds = [...steps.values()].flat();
    log(`scale-in: ${stepIds.length} steps requested; waiting for them to end and be told`);
    for (const id of stepIds) {
      const rec = await stack.dependencies.store.get(id);
      log(
        `${id} ${rec?.createdAt} ${rec?.history.map((h) => `${h.state}@${h.at.slice(17)}:${h.note ?? ''}`).join(' > ')}`,
      );
    }
    const records = new Map([
      ...settledRecords,
      ...(await waitUntilSettled(stack.dependencies.store, new Set(stepIds), deadline)),
    ]);
    await Promise.allSettled(duplicateRuns);
    await Promise.allSettled(approvalRuns);
    stopped.abort();
    await Promise.allSettled(background);
    // Whatever was in flight when the loops stopped (a poll cycle, a direct invocation) has settled.
    const final = await readRecords(stack.dependencies.store, [...records.keys()]);
    const injected = emulator.faults().injected;
    const instances = emulator.instances();
    const minimumRequests = await minimumRequestsOf(instances, stack.dependencies.store);
    const policy: Policy = stack.dependencies.policy;
    return chaosReport({
      removals,
      foreignIds: foreign.ids,
      minimumRequests,
      fleet: fleetSafetyCounters({
        mutations: emulator.mutations(),
        instances,
        deployment: stack.dependencies.settings.deployment ?? DEFAULT_DEPLOYMENT,
        minReplicas: Object.fromEntries(
          Object.entries(policy.primaries ?? {}).map(([id, entry]) => [id, fleetPolicyOf(entry).minReplicas]),
        ),
        // A person's removals, and the scale-in steps' (alert-driven: never below the minimum).
        removals: [...removals.requestIds.values(), ...stepIds].flatMap((id) => final.get(id) ?? []),
      }),
      scaleIns: { alerts: alertRun, steps, lastCandidacyEnded },
      seed: options.seed,
      submissions,
      requestIds,
      records: final,
      instances,
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
        removalReplays: removals.submissions.filter((submission) => submission.replay).length,
        removalFaultsInjected: REMOVAL_ACTIONS.reduce(
          (sum, action) =>
            sum + Object.values(injected.byAction[action] ?? {}).reduce((total, count) => total + count, 0),
          0,
        ),
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
