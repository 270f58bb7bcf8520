import { describe, expect, it } from 'vitest';

// The workflow logs every injected fault; a chaos run's report says what happened instead.
process.env.LOG_LEVEL = 'SILENT';
const { runChaos } = await import('#local/chaos/run-chaos.ts');
const { CREATE_FAULTS } = await import('#local/chaos/fault-plan.ts');

/** Fixed for CI; CHAOS_SEED replays another run (`npm run chaos -- --seed S` prints the same report). */
const SEED = Number(process.env.CHAOS_SEED ?? 20261129);

describe('the chaos run (50 requests, then removals and alert-driven scale-in with the last creates)', () => {
  it('creates no duplicate replica, loses no request, ends every request and delivers every ending', async () => {
    const report = await runChaos({ requests: 50, seed: SEED, deadlineMs: 65_000 });

    const summary = `seed ${SEED}: ${JSON.stringify(report)}`;
    expect(report.duplicates, summary).toBe(0);
    expect(report.lost, summary).toBe(0);
    expect(report.terminal, summary).toBe(report.distinctKeys);
    expect(report.webhooksDelivered, summary).toBe(report.terminal);
    expect(report.webhooksMissing, summary).toBe(0);
    expect(report.inconsistent, summary).toBe(0);
    // Prepaid requests wait for the chaos approver, who approves, denies, and races the two.
    expect(report.createdWithoutApproval, summary).toBe(0);
    expect(report.states.AWAITING_APPROVAL ?? 0, summary).toBe(0);
    expect(report.faults.approvalsSent, summary).toBeGreaterThan(0);
    expect(report.faults.denialsSent, summary).toBeGreaterThan(0);
    // One retry chain per notification: attempts per webhook-id within the backoff schedule's bound.
    expect(report.webhookAttempts.held, summary).toBe(true);
    expect(report.webhookAttempts.exceeded, summary).toBe(0);
    expect(report.webhookAttempts.max, summary).toBeLessThanOrEqual(report.webhookAttempts.boundOfMax);
    // One webhook-id per ending (creates' and removals'), plus the approval announcements: the
    // delivered ones at least, and at most two per request that waited (an announcement superseded
    // before delivery was still tried).
    const endings = report.terminal + report.removals.terminal + report.scaleIns.endings;
    expect(report.webhookAttempts.notifications, summary).toBeGreaterThanOrEqual(
      endings + report.approvalWebhooks,
    );
    expect(report.webhookAttempts.notifications, summary).toBeLessThanOrEqual(
      endings + 2 * report.waitedForApproval,
    );
    expect(report.webhookAttempts.max, 'the outage made some webhooks retry').toBeGreaterThan(1);
    // The fleet invariants, from the emulator's own journal of instance-changing calls: replica-flow
    // never touched an instance it did not create here, nor a primary, never went below a minimum on
    // its own, and removed no replica twice.
    expect(report.foreignInstancesTouched, summary).toBe(0);
    expect(report.primariesTouched, summary).toBe(0);
    expect(report.removedBelowMinimum, summary).toBe(0);
    expect(report.duplicateRemovals, summary).toBe(0);
    // Every removal ended and was told; every one naming a forbidden instance was refused.
    expect(report.removals.lost, summary).toBe(0);
    expect(report.removals.terminal + report.removals.refusedAtBorder, summary).toBe(
      report.removals.distinctKeys,
    );
    expect(report.removals.refusedAtBorder, 'a primary named as the replica: 400').toBe(1);
    expect(report.removals.webhooksMissing, summary).toBe(0);
    expect(report.removals.refusalsMissed, summary).toBe(0);
    expect(
      report.removals.states.REJECTED,
      'foreign, prepaid, other-primary removals',
    ).toBeGreaterThanOrEqual(3);
    expect(
      (report.removals.states.DESTROYED ?? 0) + (report.removals.states.REMOVED ?? 0),
      'some removals went through',
    ).toBeGreaterThan(0);
    expect(report.faults.removalFaultsInjected, 'faults on removal calls').toBeGreaterThan(0);
    expect(report.faults.removalReplays).toBeGreaterThan(0);
    // Alert-driven scale-in under the same faults: postgres-bjorder1's alert fired, resolved, fired
    // again inside the stable window (that candidacy made no removal) and resolved for good (replayed);
    // the poller's steps removed replicas one at a time down to the minimum (removedBelowMinimum counts
    // their isolations: an alert's removal never goes below it), each ended and told, none twice.
    expect(report.scaleIns.alertsRefused, summary).toBe(0);
    expect(report.scaleIns.candidacies, summary).toBe(2);
    expect(report.scaleIns.stepsOfCancelled, summary).toBe(0);
    expect(report.scaleIns.removed, summary).toBeGreaterThan(0);
    expect(report.scaleIns.terminal, summary).toBe(report.scaleIns.requested);
    expect(report.scaleIns.lost, summary).toBe(0);
    expect(report.scaleIns.webhooksMissing, summary).toBe(0);
    expect(report.scaleIns.lastCandidacyEnded, summary).toBe(true);
    // The poller kept postgres-bjorder1's minimum with its own requests, never two at once for it.
    expect(report.minimumRestores.requests, summary).toBeGreaterThan(0);
    expect(report.minimumRestores.overlapping, summary).toBe(0);
    expect(report.ok).toBe(true);
    // …under every fault the run injects.
    for (const kind of CREATE_FAULTS) expect(report.faults[kind], `${kind} injected`).toBeGreaterThan(0);
    expect(report.faults.crashesAfterCreateCall).toBeGreaterThan(0);
    const duplicates =
      (report.faults.concurrentDirectInvocations ?? 0) + (report.faults.duplicateQueuedCopies ?? 0);
    expect(duplicates).toBeGreaterThan(0);
    expect(report.faults.replays).toBeGreaterThan(0);
    expect(report.faults.locklessPolls).toBeGreaterThan(0);
    expect(report.faults.pollsSkippedByLock).toBeGreaterThan(0);
    expect(report.faults.webhookFailuresAnswered).toBeGreaterThan(0);
    expect(report.states.FAILED, 'ProvisioningFails ends FAILED').toBeGreaterThan(0);
    expect(report.states.TIMED_OUT, 'ProvisioningStuck ends TIMED_OUT').toBeGreaterThan(0);
  }, 90_000);
});
