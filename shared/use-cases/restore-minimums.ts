import type { DBInstance } from 'tencentcloud-sdk-nodejs/tencentcloud/services/postgres/v20170312/postgres_models.js';
import {
  DEFAULT_DEPLOYMENT,
  DEPLOYMENT_TAG_KEY,
  deploymentTagOf,
} from '#shared/domain/deployment-identity.ts';
import type { Policy } from '#shared/domain/policy.ts';
import { fleetPolicyOf } from '#shared/domain/policy-fleet.ts';
import { isGlob } from '#shared/domain/policy-glob.ts';
import { regionOfZone } from '#shared/domain/replica-request-fields.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import { isTerminal } from '#shared/domain/request-state.ts';
import { logger } from '#shared/logger.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { MessageQueue } from '#shared/ports/message-queue.ts';
import type { MarkerStore, RequestStore } from '#shared/ports/request-store.ts';
import type { TencentPostgres } from '#shared/ports/tencent-postgres.ts';
import { groupBy } from '#shared/util/chunk.ts';

/**
 * The poller's minimum (issue #14, policy `scaleOut.minReplicas`, Aurora's minimum capacity): each
 * scheduled cycle counts the running replicas this deployment made of every primary with a minimum,
 * from Tencent's own list (this deployment's tag, one DescribeDBInstances per 100 replicas per
 * region), and when a primary has fewer than its minimum — a replica deleted out of band, failed, or
 * removed by a person — and none of its fleet changes is in flight, submits ONE scale-out request
 * for the missing replicas, as the actor `poller`/`minimum`.
 *
 * Exactly one request per shortfall, however many cycles run at once: a cycle first takes the
 * primary's minimum marker (a conditional put, held `holdMs`: the poll lock's length, longer than a
 * cycle takes, so a cycle that read the in-flight index before the request existed cannot outlive
 * the hold), and the request's
 * idempotency key is the primary plus that marker's epoch, so a cycle that lost the marker, or a
 * retry of the winner, makes no second request. Once submitted, the request is in flight (the
 * in-flight index) until it ends, and no cycle submits another meanwhile; if it ends without
 * restoring the minimum (FAILED, REJECTED…), the next cycle after the hold tries again with a new epoch.
 *
 * Primaries named by a glob in the policy are not enumerable and are skipped: give each primary with a
 * minimum its own entry.
 */

/** The request's requester: an API-shaped caller no API key can be (key names hold no `:`). */
export const MINIMUM_REQUESTER = {
  source: 'api',
  identity: 'replica-flow:poller',
  displayName: 'replica-flow poller (minReplicas)',
} as const;

/** How long a cycle's claim on a primary's shortfall lasts when `holdMs` is not given. */
export const MINIMUM_HOLD_SECONDS = 60;

export const minimumMarkerName = (primaryId: string): string => `minimum#${primaryId}`;

const PAGE = 100;

export interface RestoreMinimumsDependencies {
  readonly store: RequestStore;
  readonly markers: MarkerStore;
  readonly queue: MessageQueue;
  readonly tencent: Pick<TencentPostgres, 'describeDBInstances'>;
  readonly clock: Clock;
  readonly policy: Policy;
  readonly deployment?: string;
  /** The minimum marker's hold: at least one poll cycle's length (the poller passes its lock's). */
  readonly holdMs?: number;
}

export interface MinimumsReport {
  /** DescribeDBInstances calls made for the count. */
  readonly describeCalls: number;
  /** Primaries found below their minimum. */
  readonly short: number;
  /** Scale-out requests submitted (0 or 1 per short primary). */
  readonly requested: number;
}

interface Minimum {
  readonly primaryId: string;
  readonly region: string;
  readonly minReplicas: number;
  /** The policy's `maxInstanceCount` for the primary: one request asks for at most this many. */
  readonly perRequest: number;
  /** What a scale-out of the primary creates beyond its defaults (`scaleOut.profile`), as alerts do. */
  readonly profile: Readonly<Record<string, unknown>>;
}

/** The primaries the policy names exactly with `scaleOut.minReplicas` > 0, and their regions. */
export const minimumsOf = (policy: Policy): Minimum[] =>
  Object.entries(policy.primaries ?? {}).flatMap(([primaryId, entry]) => {
    const minReplicas = fleetPolicyOf(entry).minReplicas;
    const region = entry.defaults?.Region ?? regionOfZone(entry.defaults?.Zone ?? '');
    const perRequest = entry.limits?.maxInstanceCount ?? policy.limits.maxInstanceCount;
    return minReplicas > 0 && !isGlob(primaryId) && region
      ? [{ primaryId, region, minReplicas, perRequest, profile: entry.scaleOut?.profile ?? {} }]
      : [];
  });

/** This deployment's replicas in the region, one DescribeDBInstances per 100. */
const listOwnReplicas = async (
  region: string,
  deps: RestoreMinimumsDependencies,
): Promise<{ instances: DBInstance[]; calls: number }> => {
  const deployment = deps.deployment ?? DEFAULT_DEPLOYMENT;
  const instances: DBInstance[] = [];
  let calls = 0;
  for (let offset = 0, total = Number.POSITIVE_INFINITY; offset < total; offset += PAGE) {
    calls += 1;
    const page = await deps.tencent.describeDBInstances(region, {
      Filters: [{ Name: 'db-tag-key', Values: [DEPLOYMENT_TAG_KEY] }],
      Limit: PAGE,
      Offset: offset,
    });
    const set = page.DBInstanceSet ?? [];
    instances.push(...set.filter((instance) => deploymentTagOf(instance.TagList) === deployment));
    total = page.TotalCount ?? 0;
    if (set.length === 0) break;
  }
  return { instances, calls };
};

const primaryOf = (record: RequestRecord): string =>
  record.plan?.MasterDBInstanceId ?? record.request.MasterDBInstanceId;

/**
 * One pass over the primaries with a minimum, given the cycle's in-flight records (any request of a
 * primary that has not ended, create or removal, means its fleet is changing: wait for it).
 */
export const restoreMinimums = async (
  inFlight: readonly RequestRecord[],
  deps: RestoreMinimumsDependencies,
): Promise<MinimumsReport> => {
  const minimums = minimumsOf(deps.policy);
  if (minimums.length === 0) return { describeCalls: 0, short: 0, requested: 0 };
  const changing = new Set(
    inFlight.filter((record) => !isTerminal(record.state)).map((record) => primaryOf(record)),
  );
  let describeCalls = 0;
  let short = 0;
  let requested = 0;
  for (const [region, primaries] of groupBy(minimums, (minimum) => minimum.region)) {
    const { instances, calls } = await listOwnReplicas(region, deps);
    describeCalls += calls;
    for (const minimum of primaries) {
      const running = instances.filter(
        (instance) =>
          instance.MasterDBInstanceId === minimum.primaryId &&
          instance.DBInstanceType === 'readonly' &&
          instance.DBInstanceStatus === 'running',
      ).length;
      if (running >= minimum.minReplicas) continue;
      short += 1;
      if (changing.has(minimum.primaryId)) continue;
      if (await requestMissing(minimum, running, deps)) requested += 1;
    }
  }
  return { describeCalls, short, requested };
};

/** Takes the primary's minimum marker and submits the one request of that epoch; false if another cycle holds it. */
const requestMissing = async (
  minimum: Minimum,
  running: number,
  deps: RestoreMinimumsDependencies,
): Promise<boolean> => {
  const now = deps.clock.now();
  const name = minimumMarkerName(minimum.primaryId);
  const epoch = String(now.getTime());
  const until = new Date(now.getTime() + (deps.holdMs ?? MINIMUM_HOLD_SECONDS * 1000));
  if (!(await deps.markers.putMarker(name, { epoch, running }, { ifAbsentOrExpired: true, until, now }))) {
    return false;
  }
  // The rest (beyond one request's maximum) comes from the next epoch, once this one has ended.
  const missing = Math.max(1, Math.min(minimum.minReplicas - running, minimum.perRequest));
  // Loaded at the first shortfall: the request schema it parses is no part of an ordinary poll cycle.
  const { submitRequest } = await import('#shared/use-cases/submit-request.ts');
  const { record, replayed } = await submitRequest(
    {
      ...minimum.profile,
      MasterDBInstanceId: minimum.primaryId,
      InstanceCount: missing,
      idempotencyKey: `minimum:${minimum.primaryId}:${epoch}`,
      requester: {
        ...MINIMUM_REQUESTER,
        context: { reason: 'minimum', minReplicas: String(minimum.minReplicas), running: String(running) },
      },
    },
    deps,
  );
  logger.info('poll: below the minimum; scale-out requested', {
    primaryId: minimum.primaryId,
    running,
    minReplicas: minimum.minReplicas,
    requestId: record.requestId,
    replayed,
  });
  return !replayed;
};
