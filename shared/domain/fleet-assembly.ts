import type { DBInstance } from 'tencentcloud-sdk-nodejs/tencentcloud/services/postgres/v20170312/postgres_models.js';
import { monthlyCostMinor } from '#shared/domain/budget.ts';
import { deploymentTagOf } from '#shared/domain/deployment-identity.ts';
import { REQUEST_TAG_KEY } from '#shared/domain/idempotency.ts';
import type { PlanPrice } from '#shared/domain/plan-price.ts';
import { toMainUnits } from '#shared/domain/plan-price.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import type { RequestState } from '#shared/domain/request-state.ts';

/**
 * The fleet view's join, pure: replica-flow's records of one primary beside what Tencent lists now
 * (`fleet-view.ts` gathers both). Three answers come out of it:
 * - the replicas: one line per instance a record holds (or will hold: an in-flight create whose ids
 *   are not known yet is one line without an id), with Tencent's status and group where listed;
 * - orphans: instances Tencent lists for the primary carrying this deployment's tag that no active
 *   record knows (by instance id, or by the request id of their request tag while a create is in
 *   flight). They cost money and nothing of replica-flow's will ever act on them;
 * - drift: READY records whose instance Tencent no longer lists, or lists as removed (isolating,
 *   isolated, offlining, offline) — removed out of band, while the record still counts it.
 */

/** Tencent statuses of an instance on its way out (recycle bin or destroyed). */
export const REMOVED_STATUSES: ReadonlySet<string> = new Set([
  'isolating',
  'isolated',
  'offlining',
  'offline',
]);

/** A price as the fleet view shows it: main units with the exact minor units beside them. */
export interface FleetPrice {
  readonly currency: string;
  /** `PT1H` (postpaid) or `P<n>M` (a prepaid period), as quoted. */
  readonly per: string;
  /** The hourly price (postpaid only): what is paid, after discounts. */
  readonly perHour?: number;
  readonly perHourMinor?: number;
  /** What it costs a month (730 h; a prepaid period spread over its months, rounded up). */
  readonly perMonth: number;
  readonly perMonthMinor: number;
  /** How many instances the quote covers (the request's `InstanceCount`): the price is for all of them. */
  readonly instances: number;
}

export interface FleetReplica {
  /** Absent while the create is in flight and Tencent's id is not known yet. */
  readonly instanceId?: string;
  readonly requestId: string;
  /** The record's state (READY, or a create in flight). */
  readonly state: RequestState;
  /**
   * Tencent's `DBInstanceStatus` now; `not listed` when Tencent does not list it (yet, or any more);
   * `not asked` when Tencent could not be asked.
   */
  readonly tencentStatus: string;
  /** The read-only group it is a member of, from DescribeReadOnlyGroups; absent: none (or not known). */
  readonly groupId?: string;
  /** When Tencent created it (its `CreateTime`), else when the request was received. */
  readonly createdAt: string;
  readonly ageSeconds: number;
  readonly price?: FleetPrice;
}

export interface FleetOrphan {
  readonly instanceId: string;
  readonly tencentStatus: string;
  readonly createdAt?: string;
  /** Its request tag's value: the request that made it, whose record is gone, ended or another's. */
  readonly requestTag?: string;
  /** The state of the record its request tag names (e.g. `TIMED_OUT`), or `gone`; set by `fleet-view.ts`. */
  readonly recordState?: string;
}

export interface FleetDrift {
  readonly requestId: string;
  readonly instanceId: string;
  readonly state: RequestState;
  /** `not listed`, or the removed status Tencent shows. */
  readonly tencentStatus: string;
}

export interface FleetJoin {
  readonly replicas: readonly FleetReplica[];
  readonly orphans: readonly FleetOrphan[];
  readonly drift: readonly FleetDrift[];
}

export const NOT_LISTED = 'not listed';
export const NOT_ASKED = 'not asked';

export const fleetPrice = (price: PlanPrice, instances: number): FleetPrice => {
  const perMonthMinor = monthlyCostMinor(price);
  const hourly = price.per === 'PT1H';
  return {
    currency: price.currency,
    per: price.per,
    ...(hourly ? { perHour: toMainUnits(price.discountedMinor), perHourMinor: price.discountedMinor } : {}),
    perMonth: toMainUnits(perMonthMinor),
    perMonthMinor,
    instances,
  };
};

/** The primary a record is for. */
export const primaryOf = (record: {
  readonly plan?: { readonly MasterDBInstanceId: string } | undefined;
  readonly request: { readonly MasterDBInstanceId: string };
}): string => record.plan?.MasterDBInstanceId ?? record.request.MasterDBInstanceId;

/** The instance ids a record holds: its READY instances, else what the create answered or reconciliation found. */
export const instanceIdsOf = (record: RequestRecord): string[] => {
  const ids = new Set<string>();
  for (const instance of record.instances ?? []) ids.add(instance.instanceId);
  for (const id of record.creation?.instanceIds ?? []) ids.add(id);
  return [...ids];
};

/** Tencent's `CreateTime` (`2026-12-07 18:00:00`, Beijing time) as ISO-8601; undefined when absent or unreadable. */
export const tencentTimeToIso = (time: string | undefined): string | undefined => {
  if (!time) return undefined;
  const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/.exec(time);
  if (!match || time.startsWith('0000')) return undefined;
  const at = Date.parse(`${match[1]}T${match[2]}+08:00`);
  return Number.isNaN(at) ? undefined : new Date(at).toISOString();
};

const requestTagOf = (instance: DBInstance): string | undefined =>
  instance.TagList?.find((tag) => tag.TagKey === REQUEST_TAG_KEY)?.TagValue;

const ageSeconds = (createdAt: string, now: Date): number =>
  Math.max(0, Math.floor((now.getTime() - Date.parse(createdAt)) / 1000));

export interface FleetJoinInput {
  readonly primaryId: string;
  /** Active records (READY and creates in flight) of this primary. */
  readonly records: readonly RequestRecord[];
  /**
   * What Tencent lists now: the records' instances (by id) and every instance carrying a deployment
   * tag; `undefined` when Tencent could not be asked (statuses `not asked`, no orphans, no drift).
   */
  readonly listed: readonly DBInstance[] | undefined;
  /** Instance id → read-only group id (DescribeReadOnlyGroups of the primary). */
  readonly groups: ReadonlyMap<string, string>;
  /** This deployment's identity: only instances tagged with it can be orphans of this deployment. */
  readonly deployment: string;
  readonly now: Date;
}

export const joinFleet = (input: FleetJoinInput): FleetJoin => {
  const byId = new Map<string, DBInstance>();
  const asked = input.listed !== undefined;
  for (const instance of input.listed ?? [])
    if (instance.DBInstanceId) byId.set(instance.DBInstanceId, instance);

  const replicas: FleetReplica[] = [];
  const drift: FleetDrift[] = [];
  const knownIds = new Set<string>();
  const knownRequests = new Set<string>();
  for (const record of input.records) {
    knownRequests.add(record.requestId);
    const count = record.plan?.InstanceCount ?? record.request.InstanceCount ?? 1;
    const price = record.price && fleetPrice(record.price, count);
    const ids = instanceIdsOf(record);
    for (const id of ids) knownIds.add(id);
    const lines: (string | undefined)[] = ids.length > 0 ? ids : [undefined];
    for (const instanceId of lines) {
      const instance = instanceId === undefined ? undefined : byId.get(instanceId);
      const tencentStatus = !asked ? NOT_ASKED : (instance?.DBInstanceStatus ?? NOT_LISTED);
      const createdAt = tencentTimeToIso(instance?.CreateTime) ?? record.createdAt;
      const groupId = instanceId === undefined ? undefined : input.groups.get(instanceId);
      replicas.push({
        ...(instanceId === undefined ? {} : { instanceId }),
        requestId: record.requestId,
        state: record.state,
        tencentStatus,
        ...(groupId ? { groupId } : {}),
        createdAt,
        ageSeconds: ageSeconds(createdAt, input.now),
        ...(price ? { price } : {}),
      });
      // Only a READY record says the replica runs: an in-flight one may simply not be listed yet.
      if (asked && instanceId !== undefined && record.state === 'READY') {
        if (!instance || REMOVED_STATUSES.has(tencentStatus)) {
          drift.push({ requestId: record.requestId, instanceId, state: record.state, tencentStatus });
        }
      }
    }
  }

  const orphans: FleetOrphan[] = [];
  for (const instance of byId.values()) {
    const id = instance.DBInstanceId as string;
    if (instance.MasterDBInstanceId !== input.primaryId) continue;
    if (deploymentTagOf(instance.TagList) !== input.deployment) continue;
    // On its way out already (recycle bin or destroyed): nothing left to reclaim.
    if (REMOVED_STATUSES.has(instance.DBInstanceStatus ?? '')) continue;
    if (knownIds.has(id)) continue;
    const requestTag = requestTagOf(instance);
    if (requestTag !== undefined && knownRequests.has(requestTag)) continue;
    const createdAt = tencentTimeToIso(instance.CreateTime);
    orphans.push({
      instanceId: id,
      tencentStatus: instance.DBInstanceStatus ?? 'unknown',
      ...(createdAt ? { createdAt } : {}),
      ...(requestTag ? { requestTag } : {}),
    });
  }
  return { replicas, orphans, drift };
};
