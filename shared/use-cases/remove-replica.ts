import { randomUUID } from 'node:crypto';
import type { DBInstance } from 'tencentcloud-sdk-nodejs/tencentcloud/services/postgres/v20170312/postgres_models.js';
import { TencentApiError } from '#shared/adapters/tencent/tencent-api-error.ts';
import { DEFAULT_DEPLOYMENT } from '#shared/domain/deployment-identity.ts';
import type { RemovalDetails, RemovalTarget } from '#shared/domain/removal-request.ts';
import {
  decideRemovalStep,
  type RemovalSafetyInput,
  type RemovalStep,
} from '#shared/domain/removal-safety.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import { ConcurrentUpdateError } from '#shared/errors.ts';
import { logger } from '#shared/logger.ts';
import type { OwnedTransition } from '#shared/transitions/issued-by.ts';
import {
  failDestroy,
  failDraining,
  leaveInRecycleBin,
  markDestroyed,
  markIsolating,
  takeRemovalLease,
} from '#shared/transitions/remove-transitions.ts';
import type { CreateDependencies, CreateOutcome } from '#shared/use-cases/create-dependencies.ts';
import { enqueuePendingNotifications, pendingNotification } from '#shared/use-cases/notification-outbox.ts';
import {
  describeInstance,
  groupOfReplica,
  runningGroupTask,
  servingReplicasNow,
} from '#shared/use-cases/removal-reads.ts';

/**
 * The removal steps (issue #14), run by the create queue's worker for `kind: 'removal'` records
 * (`createReplica` dispatches here), one step per delivery; the poller requeues a DRAINING or
 * ISOLATED record that waits, and reads ISOLATING ones back (`poll-removals.ts`).
 *
 * - VALIDATED → DRAINING: the removal lease (a conditional write): only that delivery goes on.
 * - DRAINING: a member of a read-only group leaves it (RemoveDBInstanceFromReadOnlyGroup) and the
 *   task is waited for (DescribeTasks); deletion protection is lifted only on a replica of ours
 *   (tags checked; replica-flow itself sets it only when the create request asked for it); then
 *   IsolateDBInstances → ISOLATING.
 * - ISOLATED: `destroy: immediate` → DestroyDBInstance → DESTROYED; `recycle-bin` → REMOVED.
 *
 * Before EVERY mutating call the instance is described again and `decideRemovalStep` must allow the
 * step (removal-safety.ts); a refusal ends the removal REMOVAL_FAILED naming the rule. A call whose
 * outcome is unknown is never re-issued blindly: the next delivery reads Tencent first (already out
 * of the group, already isolating or isolated, already offline or gone = that step succeeded).
 * Each Tencent call is made under a claim written to the record first (conditional on its
 * version), so two deliveries of one message never both call.
 */

export type RemoveDependencies = CreateDependencies;

const isolatedOrOn = (instance: DBInstance | undefined): boolean =>
  ['isolating', 'isolated', 'offlining', 'offline', 'recycling', 'recycled'].includes(
    instance?.DBInstanceStatus ?? '',
  );

const goneOrOffline = (instance: DBInstance | undefined): boolean =>
  !instance || ['offlining', 'offline', 'recycled'].includes(instance.DBInstanceStatus ?? '');

export const removeReplica = async (
  record: RequestRecord,
  deps: RemoveDependencies,
): Promise<CreateOutcome> => {
  const target = record.removal?.target;
  if (record.kind !== 'removal' || !target) return 'skipped';
  const step = new RemovalRun(record, target, deps);
  try {
    switch (record.state) {
      case 'VALIDATED':
        return await step.startDraining();
      case 'DRAINING':
        return await step.drain();
      case 'ISOLATED':
        return await step.finish();
      default:
        return 'skipped';
    }
  } catch (error) {
    if (error instanceof ConcurrentUpdateError) return 'skipped';
    if (error instanceof TencentApiError && (error.kind === 'throttled' || error.kind === 'retryable'))
      return 'retry';
    throw error;
  }
};

class RemovalRun {
  private readonly owner: string;
  private calls = 0;

  constructor(
    private record: RequestRecord,
    private readonly target: RemovalTarget,
    private readonly deps: RemoveDependencies,
  ) {
    this.owner = deps.owner ?? randomUUID();
  }

  private get details(): RemovalDetails {
    return this.record.removal as RemovalDetails;
  }

  private at(): string {
    return this.deps.clock.now().toISOString();
  }

  /** The removal fields with this run's Tencent calls counted. */
  private removal(extra: Partial<RemovalDetails> = {}): RemovalDetails {
    const { claim: _claim, ...rest } = this.details;
    return { ...rest, ...extra, tencentCalls: (this.details.tencentCalls ?? 0) + this.calls };
  }

  async startDraining(): Promise<CreateOutcome> {
    this.record = await takeRemovalLease(this.deps.store, {
      requestId: this.record.requestId,
      expectedVersion: this.record.version,
      note: `removing ${this.target.instanceId}`,
      at: this.at(),
    });
    return this.drain();
  }

  /** Reads the replica as Tencent describes it now. */
  private async read(): Promise<DBInstance | undefined> {
    this.calls += 1;
    return describeInstance(this.target.region, this.target.instanceId, this.deps.tencent);
  }

  private decide(step: RemovalStep, instance: DBInstance | undefined, fleet?: RemovalSafetyInput['fleet']) {
    return decideRemovalStep({
      step,
      instanceId: this.target.instanceId,
      instance,
      primaryId: this.record.request.MasterDBInstanceId,
      deployment: this.deps.deployment ?? DEFAULT_DEPLOYMENT,
      trigger: this.details.trigger,
      ...(fleet ? { fleet } : {}),
    });
  }

  /**
   * For an alert's removal (scale-in): the primary's serving replicas counted now and the minimum
   * validate recorded, so each step that takes the replica out of service re-checks the minimum
   * against Tencent (an out-of-band deletion since validation is seen). Undefined for other triggers.
   */
  private async fleetNow(): Promise<RemovalSafetyInput['fleet']> {
    if (this.details.trigger.kind !== 'alert') return undefined;
    const serving = await servingReplicasNow(
      this.target.region,
      this.record.request.MasterDBInstanceId,
      this.deps.tencent,
    );
    this.calls += serving.calls;
    // A removal recorded without a minimum (none should be) counts as at its minimum: refused.
    return { currentReplicas: serving.count, minReplicas: this.details.minReplicas ?? Number.NaN };
  }

  /**
   * Writes a claim for `step` (conditional on the version read): false when another delivery holds
   * an unexpired one, or won the write.
   */
  private async claim(step: RemovalStep): Promise<boolean> {
    const now = this.deps.clock.now();
    const held = this.details.claim;
    if (held && held.owner !== this.owner && Date.parse(held.until) > now.getTime()) return false;
    try {
      this.record = await this.deps.store.update({
        requestId: this.record.requestId,
        expectedVersion: this.record.version,
        state: this.record.state,
        set: {
          removal: {
            ...this.removal(),
            claim: {
              step,
              owner: this.owner,
              until: new Date(now.getTime() + this.deps.leaseMs).toISOString(),
            },
          },
        },
        at: now.toISOString(),
      });
      this.calls = 0;
      return true;
    } catch (error) {
      if (error instanceof ConcurrentUpdateError) return false;
      throw error;
    }
  }

  async drain(): Promise<CreateOutcome> {
    const instance = await this.read();
    if (isolatedOrOn(instance)) return this.isolating('already isolating or isolated (read back)');
    if (!instance)
      return this.fail(
        failDraining,
        'instance-not-found',
        `Tencent no longer lists ${this.target.instanceId}`,
      );
    this.calls += 1;
    const group = await groupOfReplica(
      this.target.region,
      this.record.request.MasterDBInstanceId,
      this.target.instanceId,
      this.deps.tencent,
    );
    const fleet = await this.fleetNow();
    if (group) return this.leaveGroup(instance, group, fleet);
    if (instance.DeletionProtection) {
      const lift = this.decide('lift-protection', instance, fleet);
      if (!lift.allowed) return this.fail(failDraining, lift.reason, lift.message);
      if (!(await this.claim('lift-protection'))) return 'skipped';
      await this.call('lift-protection', () =>
        this.deps.tencent.modifyDBInstanceDeletionProtection(this.target.region, {
          DBInstanceId: this.target.instanceId,
          DeletionProtection: false,
        }),
      );
      // The isolate waits for the next pass, which reads the protection back first.
      return 'skipped';
    }
    const isolate = this.decide('isolate', instance, fleet);
    if (!isolate.allowed) return this.fail(failDraining, isolate.reason, isolate.message);
    if (!(await this.claim('isolate'))) return 'skipped';
    const outcome = await this.call('isolate', () =>
      this.deps.tencent.isolateDBInstances(this.target.region, { DBInstanceIdSet: [this.target.instanceId] }),
    );
    if (outcome === 'done') return this.isolating('IsolateDBInstances accepted');
    if (outcome === 'unknown') {
      if (isolatedOrOn(await this.read()))
        return this.isolating('isolation read back after an unknown outcome');
      return 'unknown';
    }
    return outcome === 'retry' ? 'retry' : 'failed';
  }

  /** In a group: wait for a leave task in flight, or start one (after the safety check). */
  private async leaveGroup(
    instance: DBInstance,
    groupId: string,
    fleet: RemovalSafetyInput['fleet'],
  ): Promise<CreateOutcome> {
    this.calls += 1;
    const task = await runningGroupTask(
      this.target.region,
      this.target.instanceId,
      this.details.groupTask?.taskId,
      this.deps.tencent,
    );
    if (task?.Status === 'Fail') {
      return this.fail(
        failDraining,
        'group-task-failed',
        `RemoveDBInstanceFromReadOnlyGroup task ${task.TaskId} failed`,
      );
    }
    // The recorded leave ended between the group read and this one (the listing still showed the
    // replica): it is out of the group; the next pass reads the group again and goes on.
    if (task?.Status === 'Success') return 'skipped';
    if (task) {
      if (this.details.groupTask?.taskId !== task.TaskId) {
        await this.remember({
          groupTask: { taskId: task.TaskId ?? 0, readOnlyGroupId: groupId, sentAt: this.at() },
        });
      }
      return 'skipped';
    }
    const leave = this.decide('leave-group', instance, fleet);
    if (!leave.allowed) return this.fail(failDraining, leave.reason, leave.message);
    if (!(await this.claim('leave-group'))) return 'skipped';
    let taskId: number | undefined;
    const outcome = await this.call('leave-group', async () => {
      taskId = (
        await this.deps.tencent.removeDBInstanceFromReadOnlyGroup(this.target.region, {
          DBInstanceId: this.target.instanceId,
          ReadOnlyGroupId: groupId,
        })
      ).TaskId;
    });
    if (outcome === 'done') {
      await this.remember({
        groupTask: { taskId: taskId ?? 0, readOnlyGroupId: groupId, sentAt: this.at() },
        target: { ...this.target, readOnlyGroupId: groupId },
      });
    }
    return outcome === 'done' || outcome === 'unknown' ? 'skipped' : outcome === 'retry' ? 'retry' : 'failed';
  }

  async finish(): Promise<CreateOutcome> {
    if (this.details.destroy !== 'immediate') {
      const removed = await leaveInRecycleBin(this.deps.store, {
        requestId: this.record.requestId,
        expectedVersion: this.record.version,
        set: this.ended('replica.removed', 'isolated'),
        note: `${this.target.instanceId} left in the recycle bin (policy destroy: recycle-bin)`,
        at: this.at(),
      });
      await enqueuePendingNotifications([removed], this.deps, this.at());
      return 'submitted';
    }
    const instance = await this.read();
    if (goneOrOffline(instance)) return this.destroyed('already offline or gone (read back)');
    const destroy = this.decide('destroy', instance);
    if (!destroy.allowed) return this.fail(failDestroy, destroy.reason, destroy.message);
    if (!(await this.claim('destroy'))) return 'skipped';
    const outcome = await this.call('destroy', () =>
      this.deps.tencent.destroyDBInstance(this.target.region, { DBInstanceId: this.target.instanceId }),
    );
    if (outcome === 'done') return this.destroyed('DestroyDBInstance accepted');
    if (outcome === 'unknown') {
      if (goneOrOffline(await this.read()))
        return this.destroyed('destroyed (read back after an unknown outcome)');
      return 'unknown';
    }
    return outcome === 'retry' ? 'retry' : 'failed';
  }

  /**
   * Makes one mutating call. `business` ends the removal REMOVAL_FAILED with Tencent's code;
   * `unknown` leaves the state for the next pass to read back.
   */
  private async call(
    step: RemovalStep,
    work: () => Promise<unknown>,
  ): Promise<'done' | 'unknown' | 'retry' | 'failed'> {
    this.calls += 1;
    try {
      await work();
      return 'done';
    } catch (error) {
      const tencent = error instanceof TencentApiError ? error : undefined;
      logger.warn('remove: Tencent call failed', {
        requestId: this.record.requestId,
        step,
        kind: tencent?.kind ?? 'ambiguous',
        code: tencent?.tencentCode,
      });
      if (tencent?.kind === 'throttled' || tencent?.kind === 'retryable') return 'retry';
      if (tencent?.kind === 'business') {
        const fail = this.record.state === 'ISOLATED' ? failDestroy : failDraining;
        await this.fail(
          fail,
          tencent.tencentCode ?? tencent.code,
          `${step}: ${tencent.message}`,
          tencent.tencentRequestId,
        );
        return 'failed';
      }
      return 'unknown';
    }
  }

  private ended(type: 'replica.removed' | 'replica.removal_failed', status?: string) {
    return {
      removal: this.removal(),
      ...(status ? { instances: [{ instanceId: this.target.instanceId, status }] } : {}),
      notification: pendingNotification(type),
    };
  }

  private async isolating(note: string): Promise<CreateOutcome> {
    this.record = await markIsolating(this.deps.store, {
      requestId: this.record.requestId,
      expectedVersion: this.record.version,
      set: {
        removal: this.removal(),
        instances: [{ instanceId: this.target.instanceId, status: 'isolating' }],
      },
      note,
      at: this.at(),
    });
    return 'submitted';
  }

  private async destroyed(note: string): Promise<CreateOutcome> {
    const done = await markDestroyed(this.deps.store, {
      requestId: this.record.requestId,
      expectedVersion: this.record.version,
      set: this.ended('replica.removed', 'destroyed'),
      note,
      at: this.at(),
    });
    await enqueuePendingNotifications([done], this.deps, this.at());
    return 'submitted';
  }

  private async fail(
    transition: OwnedTransition,
    code: string,
    message: string,
    tencentRequestId?: string,
  ): Promise<CreateOutcome> {
    const at = this.at();
    const failed = await transition(this.deps.store, {
      requestId: this.record.requestId,
      expectedVersion: this.record.version,
      set: {
        ...this.ended('replica.removal_failed'),
        failure: { code, message, ...(tencentRequestId ? { tencentRequestId } : {}) },
      },
      note: `${code}: ${message}`,
      at,
    });
    logger.warn('remove: removal failed', { requestId: this.record.requestId, code, message });
    await enqueuePendingNotifications([failed], this.deps, at);
    return 'failed';
  }

  private async remember(extra: Partial<RemovalDetails>): Promise<void> {
    this.record = await this.deps.store.update({
      requestId: this.record.requestId,
      expectedVersion: this.record.version,
      state: this.record.state,
      set: { removal: this.removal(extra) },
      at: this.at(),
    });
    this.calls = 0;
  }
}
