import { randomUUID } from 'node:crypto';
import type { DBInstance } from 'tencentcloud-sdk-nodejs/tencentcloud/services/postgres/v20170312/postgres_models.js';
import { TencentApiError } from '#shared/adapters/tencent/tencent-api-error.ts';
import { DEFAULT_DEPLOYMENT, reconcilableByDeployment } from '#shared/domain/deployment-identity.ts';
import { REQUEST_TAG_KEY } from '#shared/domain/idempotency.ts';
import type { Policy } from '#shared/domain/policy.ts';
import {
  type CreationAttempt,
  isOpenNotification,
  type RequestRecord,
} from '#shared/domain/request-record.ts';
import { isTerminal } from '#shared/domain/request-state.ts';
import { ConcurrentUpdateError } from '#shared/errors.ts';
import { logger } from '#shared/logger.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { MessageQueue } from '#shared/ports/message-queue.ts';
import type { MarkerStore, RequestStore, TransitionCommand } from '#shared/ports/request-store.ts';
import type { TencentPostgres } from '#shared/ports/tencent-postgres.ts';
import { pollTransition } from '#shared/transitions/poll-transitions.ts';
import { pendingNotification, startNotificationChains } from '#shared/use-cases/notification-outbox.ts';
import { isolatingSlices, judgeIsolating, removalsToRequeue } from '#shared/use-cases/poll-removals.ts';
import { hasFailed, isRunning, toReplicaInstance } from '#shared/use-cases/replica-instance.ts';
import { restoreMinimums } from '#shared/use-cases/restore-minimums.ts';
import { chunk, groupBy } from '#shared/util/chunk.ts';
import { forEachConcurrently } from '#shared/util/for-each-concurrently.ts';

export interface PollDependencies {
  readonly store: RequestStore;
  readonly queue: MessageQueue;
  readonly tencent: TencentPostgres;
  readonly clock: Clock;
  /** An UNKNOWN create is re-issued only after reconciliation found nothing for this long. */
  readonly visibilityGraceMs: number;
  /**
   * RECEIVED / VALIDATED records untouched this long are queued again, and a notification retry chain
   * silent this long past its due time is restarted (a lost message loses nothing).
   */
  readonly requeueAfterMs: number;
  /** The run lock's length: longer than one poll takes, so overlapping runs cannot both act. */
  readonly lockMs: number;
  readonly owner?: string;
  /** This deployment's identity: reconciliation never adopts another deployment's replica. Absent: `DEFAULT_DEPLOYMENT`. */
  readonly deployment?: string;
  /** The policy and the markers: with both, the cycle restores `scaleOut.minReplicas` (restore-minimums.ts). */
  readonly policy?: Policy;
  readonly markers?: MarkerStore;
}

export interface PollReport {
  readonly skipped: boolean;
  readonly inFlight: number;
  /** Index items read (the in-flight index's copies). */
  readonly itemsRead: number;
  /** Records read again from their items before acting (batched reads). */
  readonly itemsReread: number;
  /** Index copies that did not match their item (a lagging or stale index). */
  readonly staleIndexCopies: number;
  readonly calls: { describeOrders: number; describeDBInstances: number };
  readonly transitions: Record<string, number>;
  readonly requeued: number;
  /** Notification retry chains started (one message each). */
  readonly notificationsQueued: number;
  /** Chains restarted because they stayed silent past their due time plus `requeueAfterMs`. */
  readonly notificationChainsRestarted: number;
  /** Steps a transient Tencent failure cut short; the next cycle retries them. */
  readonly skippedSteps: readonly string[];
  /** Primaries found below their `minReplicas`, and the scale-out requests submitted for them. */
  readonly minimums: { readonly short: number; readonly requested: number };
}

const PAGE = 100;
const LOCK_NAME = 'poller';

/**
 * One poll cycle over the in-flight index only: resolve DealNames to instance ids with
 * DescribeOrders, check instances with DescribeDBInstances (up to 100 ids a call), reconcile
 * UNKNOWN creates by tag and name, and end requests READY / FAILED / TIMED_OUT with their
 * notification queued. A run lock plus conditional writes keep overlapping runs from both acting.
 */
export const pollInFlight = async (deps: PollDependencies): Promise<PollReport> => {
  const owner = deps.owner ?? randomUUID();
  const started = deps.clock.now();
  const report = emptyReport();
  const locked = await deps.store.acquireLock(
    LOCK_NAME,
    owner,
    new Date(started.getTime() + deps.lockMs),
    started,
  );
  if (!locked) return { ...report, skipped: true };
  try {
    const records = await readInFlight(deps, report);
    const cycle = new PollCycle(deps, report, records);
    await cycle.run();
    return report;
  } finally {
    await deps.store.releaseLock(LOCK_NAME, owner);
  }
};

const emptyReport = () => ({
  skipped: false,
  inFlight: 0,
  itemsRead: 0,
  itemsReread: 0,
  staleIndexCopies: 0,
  calls: { describeOrders: 0, describeDBInstances: 0 },
  transitions: {} as Record<string, number>,
  requeued: 0,
  notificationsQueued: 0,
  notificationChainsRestarted: 0,
  skippedSteps: [] as string[],
  minimums: { short: 0, requested: 0 },
});

type MutableReport = ReturnType<typeof emptyReport>;

/**
 * The in-flight records, as the items hold them. The index says which records to look at, never what
 * they hold: an index copy may lag its item (a GSI is eventually consistent; a store that crashed
 * between item and index may keep a stale copy), so every listed record is read again from its item
 * (the store coalesces the reads into BatchGetItem calls of up to 100 keys) and the poller acts on
 * that. A listed record whose item has no work left (or is gone) is left out.
 */
const readInFlight = async (deps: PollDependencies, report: MutableReport): Promise<RequestRecord[]> => {
  const listed: RequestRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.store.listInFlight({ limit: 1000, ...(cursor ? { cursor } : {}) });
    listed.push(...page.records);
    report.itemsRead += page.itemsRead;
    cursor = page.cursor;
  } while (cursor);
  const ids = [...new Set(listed.map((record) => record.requestId))];
  const items = await Promise.all(ids.map((requestId) => deps.store.get(requestId)));
  report.itemsReread = ids.length;
  const records = items.filter(
    (record): record is RequestRecord =>
      record !== undefined && (!isTerminal(record.state) || isOpenNotification(record.notification?.status)),
  );
  const versions = new Map(records.map((record) => [record.requestId, record.version]));
  report.staleIndexCopies = listed.filter((copy) => versions.get(copy.requestId) !== copy.version).length;
  report.inFlight = records.length;
  return records;
};

/** Records settled at once after a DescribeDBInstances round (each a conditional write of its own item). */
export const SETTLE_CONCURRENCY = 16;

class PollCycle {
  private readonly now: Date;
  private readonly at: string;
  private readonly finished: RequestRecord[] = [];

  constructor(
    private readonly deps: PollDependencies,
    private readonly report: MutableReport,
    private readonly records: RequestRecord[],
  ) {
    this.now = deps.clock.now();
    this.at = this.now.toISOString();
  }

  async run(): Promise<void> {
    const byState = groupBy(this.records, (record) => record.state);
    await this.step('requeue received', () => this.requeueStale(byState.get('RECEIVED') ?? [], 'requests'));
    const validated = byState.get('VALIDATED') ?? [];
    const uncreated = validated.filter((record) => !record.removal && this.pastDeadline(record));
    await this.step('time out uncreated', () => this.timeOutUncreated(uncreated));
    await this.step('requeue validated', () =>
      this.requeueStale(
        validated.filter((record) => !uncreated.includes(record)),
        'create',
      ),
    );
    // Removals (poll-removals.ts): the worker's waiting steps come back; isolating replicas are read back.
    await this.step('requeue removals', () => this.requeueRemovals());
    await this.step('check isolating', () => this.checkIsolating(byState.get('ISOLATING') ?? []));
    await this.step('expire leases', () => this.expireLeases(byState.get('CREATING') ?? []));
    await this.step('expire approvals', () => this.expireApprovals(byState.get('AWAITING_APPROVAL') ?? []));
    await this.step('reconcile', () => this.reconcile(byState.get('UNKNOWN') ?? []));
    const submitted = byState.get('SUBMITTED') ?? [];
    let resolved: RequestRecord[] = [];
    await this.step('resolve orders', async () => {
      resolved = await this.resolveOrders(submitted.filter((record) => !hasInstanceIds(record)));
    });
    await this.step('check instances', () =>
      this.checkInstances([
        ...submitted.filter(hasInstanceIds),
        ...resolved,
        ...(byState.get('PROVISIONING') ?? []),
      ]),
    );
    await this.step('restore minimums', () => this.restoreMinimums());
    // One chain per notification: PENDING ones get theirs; a live chain is left alone unless it
    // stayed silent past its due time plus the requeue grace (its message was lost).
    const chains = await startNotificationChains(
      [...this.records.filter((record) => record.notification !== undefined), ...this.finished],
      this.deps,
      this.at,
      { silentAfterMs: this.deps.requeueAfterMs },
    );
    this.report.notificationsQueued = chains.started + chains.restarted;
    this.report.notificationChainsRestarted = chains.restarted;
  }

  /** Primaries below their `scaleOut.minReplicas` get one scale-out request each (restore-minimums.ts). */
  private async restoreMinimums(): Promise<void> {
    const { policy, markers } = this.deps;
    if (!policy || !markers) return;
    const report = await restoreMinimums(this.records, {
      ...this.deps,
      policy,
      markers,
      holdMs: this.deps.lockMs,
    });
    this.report.calls.describeDBInstances += report.describeCalls;
    this.report.minimums = { short: report.short, requested: report.requested };
  }

  /**
   * A Tencent failure that may pass (throttling, network) ends only its own step: the other steps
   * still run, and what was skipped is picked up by the next cycle.
   */
  private async step(name: string, work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (!(error instanceof TencentApiError && error.retryable)) throw error;
      this.report.skippedSteps.push(name);
      logger.warn('poll: step skipped until the next cycle', {
        step: name,
        kind: error.kind,
        code: error.tencentCode,
      });
    }
  }

  private async requeueStale(records: readonly RequestRecord[], queue: 'requests' | 'create'): Promise<void> {
    const stale = records.filter(
      (record) => this.now.getTime() - Date.parse(record.updatedAt) > this.deps.requeueAfterMs,
    );
    if (stale.length === 0) return;
    await this.deps.queue.sendBatch(
      queue,
      stale.map((record) => ({ requestId: record.requestId })),
    );
    this.report.requeued += stale.length;
  }

  /**
   * A scale-out still VALIDATED at its deadline (the create queue held it back: throttling, a
   * read-only group not ready, a lost message) ends TIMED_OUT before any create call is made: a
   * replica created now would start after its request had ended. The write is conditional on the
   * version read, so a create that took its lease first wins and this is left to the next cycle.
   */
  private async timeOutUncreated(records: readonly RequestRecord[]): Promise<void> {
    for (const record of records) {
      await this.finish(record, 'TIMED_OUT', {
        failure: {
          code: 'ProvisioningTimedOut',
          message: `No create call was accepted by the deadline ${record.deadline}; nothing was created`,
        },
      });
    }
  }

  /** A CREATING record whose lease ran out belongs to an invocation that died: its outcome is unknown. */
  private async expireLeases(records: readonly RequestRecord[]): Promise<void> {
    for (const record of records) {
      if (record.lease && Date.parse(record.lease.until) > this.now.getTime()) continue;
      await this.apply(record, {
        to: 'UNKNOWN',
        set: { unknownSince: this.at },
        remove: ['lease'],
        note: 'lease expired during the create call; reconciling',
      });
    }
  }

  /**
   * A request still waiting for approval past its window ends EXPIRED with its webhook. The write is
   * conditional on the version read, like a decision's: an approval written first wins, and this one
   * is left to the next cycle (which finds it decided).
   */
  private async expireApprovals(records: readonly RequestRecord[]): Promise<void> {
    for (const record of records) {
      const expiresAt = record.approval?.expiresAt;
      if (expiresAt === undefined || Date.parse(expiresAt) >= this.now.getTime()) continue;
      const expired = await this.apply(record, {
        to: 'EXPIRED',
        set: {
          failure: {
            code: 'ApprovalExpired',
            message: `No approver decided before the approval window ended at ${expiresAt}`,
          },
          notification: pendingNotification('replica.expired'),
        },
        note: `no decision by ${expiresAt}`,
      });
      if (expired) this.finished.push(expired);
    }
  }

  /**
   * DESIGN.md step 3: find the replica by its name and request-id tag; adopt it (whatever the deadline:
   * it exists and is billed), or after the grace period re-issue the create, or end TIMED_OUT past the deadline.
   */
  private async reconcile(records: readonly RequestRecord[]): Promise<void> {
    for (const [region, group] of groupBy(records, regionOf)) {
      const found = new Map<string, DBInstance[]>();
      for (const slice of chunk(group, PAGE)) {
        const names = [...new Set(slice.map((record) => record.creation?.instanceName ?? ''))];
        for (const instance of await this.describeAll(region, [
          { Name: 'db-instance-name', Values: names },
          { Name: 'db-tag-key', Values: [REQUEST_TAG_KEY] },
        ])) {
          const requestId = instance.TagList?.find((tag) => tag.TagKey === REQUEST_TAG_KEY)?.TagValue;
          if (!requestId) continue;
          if (!reconcilableByDeployment(instance.TagList, this.deps.deployment ?? DEFAULT_DEPLOYMENT))
            continue;
          found.set(requestId, [...(found.get(requestId) ?? []), instance]);
        }
      }
      for (const record of group) await this.settleUnknown(record, found.get(record.requestId) ?? []);
    }
  }

  private async settleUnknown(record: RequestRecord, instances: DBInstance[]): Promise<void> {
    const creation = record.creation as CreationAttempt;
    const expected = record.plan?.InstanceCount ?? 1;
    const waited = this.now.getTime() - Date.parse(record.unknownSince ?? record.updatedAt);
    if (instances.length >= expected || (instances.length > 0 && waited > this.deps.visibilityGraceMs)) {
      await this.apply(record, {
        to: 'SUBMITTED',
        set: {
          creation: {
            ...creation,
            instanceIds: instances.map((instance) => instance.DBInstanceId ?? ''),
            submittedAt: creation.submittedAt ?? this.at,
            source: 'reconciliation',
          },
        },
        remove: ['unknownSince'],
        note: `adopted ${instances.map((instance) => instance.DBInstanceId).join(', ')} found by tag`,
      });
      return;
    }
    if (instances.length === 0 && waited > this.deps.visibilityGraceMs) {
      // Past the deadline a re-issue could create a replica for a request that should have ended:
      // nothing was found in the window, so nothing was created (docs/reliability.md); end it instead.
      if (this.pastDeadline(record)) {
        await this.finish(record, 'TIMED_OUT', {
          failure: {
            code: 'ProvisioningTimedOut',
            message: `The create's outcome stayed unknown and nothing was found by its tag and name ${creation.instanceName} by the deadline ${record.deadline}`,
          },
        });
        return;
      }
      const moved = await this.apply(record, {
        to: 'VALIDATED',
        remove: ['unknownSince'],
        note: `nothing found by tag and name for ${Math.round(waited / 1000)} s; re-issuing the create`,
      });
      if (moved) await this.deps.queue.send('create', { requestId: record.requestId });
    }
  }

  /** Prepaid orders carry no instance ids in the create answer: DescribeOrders, up to 100 DealNames a call. */
  private async resolveOrders(records: readonly RequestRecord[]): Promise<RequestRecord[]> {
    const resolved: RequestRecord[] = [];
    for (const [region, group] of groupBy(records, regionOf)) {
      const idsByDeal = new Map<string, string[]>();
      const dealNames = group.flatMap((record) => record.creation?.dealNames ?? []);
      for (const slice of chunk(dealNames, PAGE)) {
        this.report.calls.describeOrders += 1;
        const { Deals = [] } = await this.deps.tencent.describeOrders(region, { DealNames: slice });
        for (const deal of Deals) {
          if (deal.DealName && deal.DBInstanceIdSet?.length)
            idsByDeal.set(deal.DealName, deal.DBInstanceIdSet);
        }
      }
      for (const record of group) {
        const deals = record.creation?.dealNames ?? [];
        if (deals.length === 0 || !deals.every((deal) => idsByDeal.has(deal))) {
          if (this.pastDeadline(record)) await this.timeOutUnresolved(record, deals, idsByDeal);
          continue;
        }
        const instanceIds = deals.flatMap((deal) => idsByDeal.get(deal) ?? []);
        const updated = await this.apply(record, {
          to: 'PROVISIONING',
          set: { creation: { ...(record.creation as CreationAttempt), instanceIds } },
          note: `order ${deals.join(', ')} → ${instanceIds.join(', ')}`,
        });
        if (updated) resolved.push(updated);
      }
    }
    return resolved;
  }

  /** An order that still shows no instance ids at the deadline: nothing to watch, so the request ends. */
  private async timeOutUnresolved(
    record: RequestRecord,
    deals: readonly string[],
    idsByDeal: ReadonlyMap<string, string[]>,
  ): Promise<void> {
    const unresolved = deals.filter((deal) => !idsByDeal.has(deal));
    await this.finish(record, 'TIMED_OUT', {
      failure: {
        code: 'ProvisioningTimedOut',
        message:
          unresolved.length > 0
            ? `Order ${unresolved.join(', ')} showed no instance ids by the deadline ${record.deadline}`
            : `The create returned neither an order nor instance ids by the deadline ${record.deadline}`,
      },
    });
  }

  private pastDeadline(record: RequestRecord): boolean {
    return record.deadline !== undefined && Date.parse(record.deadline) < this.now.getTime();
  }

  /** Every instance of every request in one region, up to 100 ids a DescribeDBInstances call. */
  private async checkInstances(records: readonly RequestRecord[]): Promise<void> {
    for (const [region, group] of groupBy(records, regionOf)) {
      const ids = [...new Set(group.flatMap((record) => record.creation?.instanceIds ?? []))];
      const seen = new Map<string, DBInstance>();
      for (const slice of chunk(ids, PAGE)) {
        for (const instance of await this.describeAll(region, [{ Name: 'db-instance-id', Values: slice }])) {
          if (instance.DBInstanceId) seen.set(instance.DBInstanceId, instance);
        }
      }
      // Each record is its own item, written with its own condition: settling them one after another
      // made a cycle's time a store round trip per changed record (100 in flight on the local stack:
      // 3–8 s a cycle, which skipped the next ticks and held webhooks back by as much).
      await forEachConcurrently(group, SETTLE_CONCURRENCY, (record) => this.settleInstances(record, seen));
    }
  }

  private async settleInstances(record: RequestRecord, seen: ReadonlyMap<string, DBInstance>): Promise<void> {
    const ids = record.creation?.instanceIds ?? [];
    const visible = ids.flatMap((id) => seen.get(id) ?? []);
    const instances = visible.map(toReplicaInstance);
    const failed = visible.find(hasFailed);
    if (failed) {
      await this.finish(record, 'FAILED', {
        instances,
        failure: {
          code: 'ProvisioningFailed',
          message: `Replica ${failed.DBInstanceId} ended ${failed.DBInstanceStatus} while provisioning`,
        },
      });
      return;
    }
    if (visible.length === ids.length && visible.every(isRunning)) {
      await this.finish(record, 'READY', { instances });
      return;
    }
    if (this.pastDeadline(record)) {
      await this.finish(record, 'TIMED_OUT', {
        instances,
        failure: {
          code: 'ProvisioningTimedOut',
          message: `Replicas were not running by the deadline ${record.deadline}`,
        },
      });
      return;
    }
    if (record.state === 'SUBMITTED' && visible.length > 0) {
      await this.apply(record, { to: 'PROVISIONING', set: { instances }, note: 'instances visible' });
      return;
    }
    if (record.state === 'PROVISIONING' && statusesChanged(record, instances)) {
      await this.update(record, { instances });
    }
  }

  private async requeueRemovals(): Promise<void> {
    const due = removalsToRequeue(this.records, this.now, this.deps.requeueAfterMs);
    if (due.length === 0) return;
    await this.deps.queue.sendBatch(
      'create',
      due.map((record) => ({ requestId: record.requestId })),
    );
    this.report.requeued += due.length;
  }

  /** ISOLATING removals: their replicas read back in batches of 100 ids per region. */
  private async checkIsolating(records: readonly RequestRecord[]): Promise<void> {
    for (const { region, group, slices } of isolatingSlices(records, PAGE)) {
      const seen = new Map<string, DBInstance>();
      for (const slice of slices) {
        for (const instance of await this.describeAll(region, [{ Name: 'db-instance-id', Values: slice }])) {
          if (instance.DBInstanceId) seen.set(instance.DBInstanceId, instance);
        }
      }
      await forEachConcurrently(group, SETTLE_CONCURRENCY, async (record) => {
        const verdict = judgeIsolating(record, seen.get(record.removal?.target?.instanceId ?? ''), this.now);
        if (!verdict) return;
        if (verdict.to === 'ISOLATED') {
          const moved = await this.apply(record, verdict);
          if (moved) await this.deps.queue.send('create', { requestId: record.requestId });
          return;
        }
        const failed = await this.apply(record, {
          ...verdict,
          set: { ...verdict.set, notification: pendingNotification('replica.removal_failed') },
        });
        if (failed) this.finished.push(failed);
      });
    }
  }

  private async finish(
    record: RequestRecord,
    to: 'READY' | 'FAILED' | 'TIMED_OUT',
    set: TransitionCommand['set'],
  ): Promise<void> {
    const type = to === 'READY' ? 'replica.ready' : to === 'FAILED' ? 'replica.failed' : 'replica.timed_out';
    const done = await this.apply(record, { to, set: { ...set, notification: pendingNotification(type) } });
    if (done) this.finished.push(done);
  }

  private async describeAll(
    region: string,
    filters: { Name: string; Values: string[] }[],
  ): Promise<DBInstance[]> {
    const instances: DBInstance[] = [];
    let total = Number.POSITIVE_INFINITY;
    for (let offset = 0; offset < total; offset += PAGE) {
      this.report.calls.describeDBInstances += 1;
      const page = await this.deps.tencent.describeDBInstances(region, {
        Filters: filters,
        Limit: PAGE,
        Offset: offset,
      });
      instances.push(...(page.DBInstanceSet ?? []));
      total = page.TotalCount ?? 0;
      if ((page.DBInstanceSet ?? []).length === 0) break;
    }
    return instances;
  }

  private async apply(
    record: RequestRecord,
    change: Omit<TransitionCommand, 'requestId' | 'expectedVersion' | 'from' | 'actor' | 'at'>,
  ): Promise<RequestRecord | undefined> {
    try {
      const { to, ...rest } = change;
      const updated = await pollTransition(this.deps.store, record.state, to, {
        requestId: record.requestId,
        expectedVersion: record.version,
        at: this.at,
        ...rest,
      });
      this.report.transitions[change.to] = (this.report.transitions[change.to] ?? 0) + 1;
      return updated;
    } catch (error) {
      if (error instanceof ConcurrentUpdateError) {
        logger.info('poll: record changed under us; leaving it to the next cycle', {
          requestId: record.requestId,
        });
        return undefined;
      }
      throw error;
    }
  }

  private async update(record: RequestRecord, set: TransitionCommand['set']): Promise<void> {
    try {
      await this.deps.store.update({
        requestId: record.requestId,
        expectedVersion: record.version,
        set,
        at: this.at,
      });
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError)) throw error;
    }
  }
}

const regionOf = (record: RequestRecord): string => record.plan?.Region ?? record.request.Region ?? '';

const hasInstanceIds = (record: RequestRecord): boolean => (record.creation?.instanceIds.length ?? 0) > 0;

const statusesChanged = (
  record: RequestRecord,
  instances: readonly { instanceId: string; status: string }[],
) => {
  const before = new Map((record.instances ?? []).map((instance) => [instance.instanceId, instance.status]));
  return instances.some((instance) => before.get(instance.instanceId) !== instance.status);
};
