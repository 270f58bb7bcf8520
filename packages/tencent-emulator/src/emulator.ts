import * as z from 'zod';
import { CallLog } from '#emulator/call-log.ts';
import type { EmulatorCredential } from '#emulator/credentials.ts';
import { FaultInjector } from '#emulator/faults/fault-injector.ts';
import { describeTarget, type MutationEntry, MutationJournal } from '#emulator/mutation-journal.ts';
import { RateLimiter } from '#emulator/rate-limits.ts';
import { EmulatorState } from '#emulator/state/emulator-state.ts';
import { groupOf, replicaStatus, runningSince } from '#emulator/state/lifecycle.ts';
import type { ProvisioningOutcome, TagValue } from '#emulator/state/records.ts';
import { StateFile } from '#emulator/state/state-file.ts';
import type { Timings, World } from '#emulator/world/world-schema.ts';

const ms = z.int().nonnegative().max(86_400_000);
/** The recycle bin lasts days: up to 30. */
const longMs = z
  .int()
  .nonnegative()
  .max(30 * 86_400_000);

/** `POST /_emulator/timings` and `startEmulator({ timings })`: any subset, in milliseconds. */
export const timingsPatch = z.strictObject({
  orderVisibleAfterMs: ms.optional(),
  orderIdsLagMs: ms.optional(),
  listedAfterMs: ms.optional(),
  applyingMs: ms.optional(),
  initingMs: ms.optional(),
  isolatingMs: ms.optional(),
  postpaidRecycleMs: longMs.optional(),
  prepaidRecycleMs: longMs.optional(),
  offliningMs: ms.optional(),
  groupTaskMs: ms.optional(),
});
export type TimingsPatch = z.output<typeof timingsPatch>;

/** One replica as `GET /_emulator/instances` shows it (times are epoch milliseconds). */
export interface EmulatorInstance {
  readonly id: string;
  readonly primaryId: string;
  readonly region: string;
  readonly zone: string;
  readonly name: string;
  readonly tags: readonly TagValue[];
  readonly status: string;
  readonly chargeType: string;
  readonly specCode: string;
  readonly storage: number;
  /** The group it is in now (`''` = none), a membership change in progress counting as not done. */
  readonly readOnlyGroupId: string;
  readonly deletionProtection: boolean;
  readonly dealName: string;
  readonly billId: string;
  /** The SecretId that signed the create. */
  readonly secretId: string;
  /** `Response.RequestId` of the create call. */
  readonly requestId: string;
  readonly createdAt: number;
  readonly listedAt: number;
  /** When it became `running`; `null` while it is not (yet, or ever). */
  readonly runningAt: number | null;
  readonly provisioning: ProvisioningOutcome;
  /** When IsolateDBInstances was accepted, or `null`. */
  readonly isolatingAt: number | null;
  /** When it is (or was) `isolated`, or `null` if never isolated. */
  readonly isolatedAt: number | null;
  /** When billing stopped (isolation accepted; a dis-isolation resumes it, back to `null`). */
  readonly billingStoppedAt: number | null;
  /** When it went (or goes) `offline`: recycle-bin expiry or destroy; `null` otherwise. */
  readonly offlineAt: number | null;
}

export interface EmulatorSetup {
  readonly world: World;
  readonly now: () => number;
  readonly credentials: readonly EmulatorCredential[];
  readonly dataDir?: string | undefined;
  readonly timings?: TimingsPatch | undefined;
}

/**
 * The emulator's moving parts behind one object: world state, timings, rate limits, faults, the
 * call log and persistence. Both the HTTP control API and `RunningEmulator` drive it.
 */
export class Emulator {
  readonly world: World;
  readonly state: EmulatorState;
  readonly now: () => number;
  readonly credentials: readonly EmulatorCredential[];
  readonly rateLimiter = new RateLimiter();
  readonly faults = new FaultInjector();
  readonly calls = new CallLog();
  readonly mutations = new MutationJournal();
  readonly stateFile: StateFile | undefined;
  private readonly startTimings: Timings;
  private timings: Timings;

  constructor(setup: EmulatorSetup) {
    this.world = setup.world;
    this.now = setup.now;
    this.credentials = setup.credentials;
    this.state = new EmulatorState(setup.world);
    this.startTimings = { ...setup.world.timings, ...setup.timings };
    this.timings = { ...this.startTimings };
    if (setup.dataDir !== undefined) {
      const file = new StateFile(setup.dataDir, () => this.state.snapshot());
      const saved = file.load();
      if (saved) this.state.restore(saved);
      this.state.onChange = () => file.scheduleSave();
      this.stateFile = file;
    }
  }

  currentTimings(): Timings {
    return { ...this.timings };
  }

  /** Changes timings for replicas created from now on (existing ones keep their schedule). */
  setTimings(patch: TimingsPatch): Timings {
    this.timings = { ...this.timings, ...patch };
    return this.currentTimings();
  }

  /** Back to the loaded world: no replicas, orders, new groups, calls, faults; default limits and timings. */
  reset(): void {
    this.state.reset();
    this.calls.reset();
    this.mutations.reset();
    this.faults.reset();
    this.rateLimiter.reset();
    this.timings = { ...this.startTimings };
  }

  instances(): EmulatorInstance[] {
    const now = this.now();
    return [...this.state.allReplicas()].map((r) => ({
      id: r.id,
      primaryId: r.primaryId,
      region: r.region,
      zone: r.zone,
      name: r.name,
      tags: r.tags,
      status: replicaStatus(r, now),
      chargeType: r.chargeType,
      specCode: r.specCode,
      storage: r.storageGb,
      readOnlyGroupId: groupOf(r, now),
      deletionProtection: r.deletionProtection,
      dealName: r.dealName,
      billId: r.billId,
      secretId: r.secretId,
      requestId: r.requestId,
      createdAt: r.createdAt,
      listedAt: r.listedAt,
      runningAt: runningSince(r, now),
      provisioning: r.outcome,
      isolatingAt: r.removal?.isolatingAt ?? null,
      isolatedAt: r.removal?.isolatedAt ?? null,
      billingStoppedAt: r.removal?.billingStoppedAt ?? null,
      offlineAt: r.destroy?.offlineAt ?? r.removal?.offlineAt ?? null,
    }));
  }

  /**
   * Someone deleted the replica outside any workflow (the console, another tool): it is `offline`
   * at once, out of its group, and the mutation journal says it came out of band. Answers the
   * journal entry; an id that is not a replica's is refused (`undefined`), a primary never goes.
   */
  deleteOutOfBand(id: string): MutationEntry | undefined {
    const now = this.now();
    const target = describeTarget(this.state, id, now);
    if (target.kind !== 'replica') return undefined;
    const entry: MutationEntry = {
      at: now,
      action: 'DestroyDBInstance',
      via: 'out-of-band',
      targets: [target],
      applied: true,
      outcome: 'ok',
    };
    const replica = this.state.replica(id);
    this.state.updateReplica(id, {
      destroy: { requestedAt: now, offlineAt: now },
      ...(replica && replica.readOnlyGroupId !== ''
        ? { readOnlyGroupId: '', groupChange: { from: replica.readOnlyGroupId, at: now } }
        : {}),
    });
    this.mutations.record(entry);
    return entry;
  }

  /** Writes pending state to the data dir (no-op without one). */
  async flush(): Promise<void> {
    await this.stateFile?.flush();
  }
}
