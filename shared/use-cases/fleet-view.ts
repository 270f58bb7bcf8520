import type { DBInstance } from 'tencentcloud-sdk-nodejs/tencentcloud/services/postgres/v20170312/postgres_models.js';
import type { AppliedBudget, SpendRecord } from '#shared/domain/budget.ts';
import { budgetsFor, holdsActiveSpend, runningCost } from '#shared/domain/budget.ts';
import { DEFAULT_DEPLOYMENT, DEPLOYMENT_TAG_KEY } from '#shared/domain/deployment-identity.ts';
import type { FleetJoin, FleetOrphan } from '#shared/domain/fleet-assembly.ts';
import { instanceIdsOf, joinFleet, primaryOf } from '#shared/domain/fleet-assembly.ts';
import { toMainUnits } from '#shared/domain/plan-price.ts';
import type { Policy } from '#shared/domain/policy.ts';
import { findPrimaryPolicy, isGlob, maxReplicasFor } from '#shared/domain/policy.ts';
import { fleetPolicyOf } from '#shared/domain/policy-fleet.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import type { RequestState } from '#shared/domain/request-state.ts';
import { scaleInTiming } from '#shared/domain/scale-in-timing.ts';
import { scaleOutMarkerName } from '#shared/domain/scale-out-marker.ts';
import { ReplicaFlowError } from '#shared/errors.ts';
import { logger } from '#shared/logger.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { FleetStateStore } from '#shared/ports/fleet-state-store.ts';
import type { MetricsRecorder } from '#shared/ports/metrics.ts';
import type { MarkerStore, RequestStore, SpendStore } from '#shared/ports/request-store.ts';
import type { TencentPostgres } from '#shared/ports/tencent-postgres.ts';
import { lastFleetChangeOf } from '#shared/use-cases/fleet-last-change.ts';
import { chunk } from '#shared/util/chunk.ts';

/**
 * The fleet of one primary (`GET /v1/primaries/{id}/replicas`, `replica-flow fleet`): the replicas
 * replica-flow made for it, from its own records (the sparse `spend` index: READY and creates in
 * flight) joined with what Tencent lists now (never cached), what the policy allows next, the
 * month's spend against each budget the primary's replicas count in, and the orphan/drift report —
 * which is also logged (WARN) and counted (`FleetOrphans`, `FleetDrift`) whenever it is not empty.
 *
 * Tencent calls: ⌈(ids + 1) / 100⌉ `DescribeDBInstances` by id (the records' instances and the
 * primary), ⌈tagged / 100⌉ by the deployment tag key (the orphan scan), one `DescribeReadOnlyGroups`.
 * If Tencent cannot be asked, the view still answers from the records, saying why Tencent's half is
 * missing (`tencent.checked: false`), and reports no orphans or drift it could not see.
 */

export interface FleetViewDependencies {
  /** `get`: an orphan's request tag is looked up, to say whether its record ended (or is gone). */
  readonly store: SpendStore &
    MarkerStore &
    Pick<RequestStore, 'get'> &
    Pick<FleetStateStore, 'getFleetState'>;
  /** Read-only; absent where the function was given no Tencent reader key: the view is the records'. */
  readonly tencent?: TencentPostgres | undefined;
  readonly clock: Clock;
  readonly policy: Policy;
  /** This deployment's identity (`Settings.deployment`); absent: `DEFAULT_DEPLOYMENT`. */
  readonly deployment?: string | undefined;
  readonly metrics?: MetricsRecorder | undefined;
}

/** DescribeDBInstances takes at most 100 ids a filter and returns at most 100 a page. */
const PAGE = 100;
/** The orphan scan reads at most this many pages of tagged instances (10,000 instances). */
const MAX_TAG_PAGES = 100;

/** States whose replica may not be in Tencent's `ReadOnlyInstanceNum` yet (as the scale-out gate counts them). */
const IN_FLIGHT: ReadonlySet<RequestState> = new Set(['VALIDATED', 'CREATING', 'SUBMITTED', 'UNKNOWN']);

const describeByIds = async (
  region: string,
  ids: readonly string[],
  tencent: TencentPostgres,
): Promise<DBInstance[]> => {
  const found: DBInstance[] = [];
  for (const batch of chunk(ids, PAGE)) {
    const answer = await tencent.describeDBInstances(region, {
      Filters: [{ Name: 'db-instance-id', Values: [...batch] }],
      Limit: PAGE,
    });
    found.push(...(answer.DBInstanceSet ?? []));
  }
  return found;
};

/** Every instance carrying a deployment tag (any deployment's: Tencent filters by key, not value). */
const describeTagged = async (region: string, tencent: TencentPostgres): Promise<DBInstance[]> => {
  const found: DBInstance[] = [];
  for (let page = 0; page < MAX_TAG_PAGES; page++) {
    const answer = await tencent.describeDBInstances(region, {
      Filters: [{ Name: 'db-tag-key', Values: [DEPLOYMENT_TAG_KEY] }],
      Limit: PAGE,
      Offset: page * PAGE,
    });
    const set = answer.DBInstanceSet ?? [];
    found.push(...set);
    if (set.length < PAGE || found.length >= (answer.TotalCount ?? 0)) break;
  }
  return found;
};

const groupsOf = async (
  region: string,
  primaryId: string,
  tencent: TencentPostgres,
): Promise<Map<string, string>> => {
  const answer = await tencent.describeReadOnlyGroups(region, {
    Filters: [{ Name: 'db-master-instance-id', Values: [primaryId] }],
    // Tencent accepts 1-99; a primary has far fewer groups (Tencent caps them per primary).
    PageSize: 99,
  });
  const groups = new Map<string, string>();
  for (const group of answer.ReadOnlyGroupList ?? []) {
    for (const member of group.ReadOnlyDBInstanceList ?? []) {
      if (member.DBInstanceId && group.ReadOnlyGroupId)
        groups.set(member.DBInstanceId, group.ReadOnlyGroupId);
    }
  }
  return groups;
};

/** What Tencent said, or why it could not be asked. */
export type TencentHalf =
  | {
      readonly checked: true;
      readonly region: string;
      readonly primary?: DBInstance;
      readonly listed: readonly DBInstance[];
      readonly groups: ReadonlyMap<string, string>;
    }
  | { readonly checked: false; readonly reason: string; readonly code?: string };

const askTencent = async (
  primaryId: string,
  region: string | undefined,
  records: readonly RequestRecord[],
  deps: FleetViewDependencies,
): Promise<TencentHalf> => {
  if (!region) {
    return {
      checked: false,
      reason: `No region known for ${primaryId}: its policy entry has no defaults.Region and no record names one (pass ?region=)`,
    };
  }
  const { tencent } = deps;
  if (!tencent) {
    return {
      checked: false,
      reason:
        'Tencent not asked: ingest has no read-only key (TENCENTCLOUD_READER_SECRET_ID and TENCENTCLOUD_READER_SECRET_KEY)',
    };
  }
  try {
    const ids = [primaryId, ...new Set(records.flatMap(instanceIdsOf))];
    const [byId, tagged, groups] = await Promise.all([
      describeByIds(region, ids, tencent),
      describeTagged(region, tencent),
      groupsOf(region, primaryId, tencent),
    ]);
    const primary = byId.find((instance) => instance.DBInstanceId === primaryId);
    const listed = new Map<string, DBInstance>();
    for (const instance of [...byId, ...tagged]) {
      if (instance.DBInstanceId && instance.DBInstanceId !== primaryId)
        listed.set(instance.DBInstanceId, instance);
    }
    return { checked: true, region, ...(primary ? { primary } : {}), listed: [...listed.values()], groups };
  } catch (error) {
    if (!(error instanceof ReplicaFlowError)) throw error;
    logger.warn('fleet view: Tencent not asked', { primaryId, code: error.code, reason: error.message });
    return { checked: false, reason: error.message, code: error.code };
  }
};

/** The primary's region: `?region=`, else its policy defaults, else the newest record's plan. */
const regionOf = (
  primaryId: string,
  given: string | undefined,
  records: readonly RequestRecord[],
  policy: Policy,
): string | undefined =>
  given ??
  findPrimaryPolicy(policy, primaryId)?.entry.defaults?.Region ??
  records.find((record) => record.plan?.Region)?.plan?.Region ??
  records.find((record) => record.request.Region)?.request.Region;

export interface BudgetLine {
  readonly budget: string;
  readonly currency: string;
  readonly ceiling: number;
  readonly used: number;
  readonly remaining: number;
  readonly ceilingMinor: number;
  readonly usedMinor: number;
  readonly remainingMinor: number;
  /** Active records this budget could not count (no price, or another currency). */
  readonly uncounted: number;
}

/**
 * The month's spend against every budget a replica of this primary counts in: the global one, the
 * primary's own, and the requester groups of its records. Spend is over every active record (a
 * global budget is the whole fleet's), in integer minor units (`runningCost`).
 */
export const primaryBudgets = (
  primaryId: string,
  allActive: readonly SpendRecord[],
  policy: Pick<Policy, 'budgets'>,
): BudgetLine[] => {
  const budgets = policy.budgets;
  if (!budgets) return [];
  const applied = new Map<string, AppliedBudget>();
  const subjects = [
    // Global and per-primary apply to the primary whoever asks; a requester without groups adds nothing.
    { primaryId, requester: { source: 'jira' as const, identity: 'fleet-view' } },
    ...allActive
      .filter((record) => holdsActiveSpend(record.state) && primaryOf(record) === primaryId)
      .map((record) => ({ primaryId, requester: record.requester })),
  ];
  for (const subject of subjects) {
    for (const budget of budgetsFor(subject, budgets))
      if (!applied.has(budget.name)) applied.set(budget.name, budget);
  }
  return [...applied.values()].map((budget) => {
    const { usedMinor, uncounted } = runningCost(allActive, budgets.currency, budget.counts);
    const remainingMinor = budget.ceilingMinor - usedMinor;
    return {
      budget: budget.name,
      currency: budgets.currency,
      ceiling: toMainUnits(budget.ceilingMinor),
      used: toMainUnits(usedMinor),
      remaining: toMainUnits(remainingMinor),
      ceilingMinor: budget.ceilingMinor,
      usedMinor,
      remainingMinor,
      uncounted,
    };
  });
};

export interface FleetPolicyView {
  /** The primary's policy entry (its key, which may be a glob); absent: no entry allows it. */
  readonly entry?: string;
  readonly minReplicas: number;
  /** `scaleOut.maxReplicas` (alert scale-out); absent without `scaleOut`. */
  readonly maxReplicas?: number;
  /** `limits.maxReplicasPerPrimary` (every request). */
  readonly maxReplicasPerPrimary: number;
  readonly scaleOut: {
    readonly enabled: boolean;
    /** Tencent's `ReadOnlyInstanceNum` (every replica of the primary, replica-flow's or not); absent when not asked. */
    readonly listed?: number;
    /** Replicas our creates in flight will add (not yet in Tencent's count). */
    readonly inFlight: number;
    /** How many more replicas an alert may add now (by `maxReplicas`), 0 at the ceiling; absent when not known. */
    readonly room?: number;
    /** How many more any request may add (by `maxReplicasPerPrimary`); absent when not known. */
    readonly roomPerPrimary?: number;
    /** Until when the last alert scale-out's cooldown holds (the scale-out marker); absent: no cooldown now. */
    readonly cooldownUntil?: string;
    readonly lastScaleOut?: { readonly at: string; readonly requestId: string };
  };
  readonly scaleIn: {
    readonly enabled: boolean;
    readonly cooldownSeconds: number;
    readonly stableForSeconds: number;
    readonly destroy: string;
    /**
     * Earliest time scale-in may next act (the stable window since the last firing alert or the
     * resolve, and the cooldown since the last scale-out or scale-in); absent when disabled.
     */
    readonly notBefore?: string;
    /** What sets `notBefore`: the stable window, the cooldown, or nothing (`now`). */
    readonly boundBy?: 'stable' | 'cooldown' | 'now';
    /** A resolved alert made the primary a candidate: the poller removes one replica at `notBefore`. */
    readonly candidate?: { readonly since: string; readonly alertName: string; readonly step: number };
    /** When an alert of the primary last fired (as received). */
    readonly lastFiredAt?: string;
    /** Alerts of the primary firing now, as far as replica-flow heard (no candidacy while any does). */
    readonly firing: readonly string[];
    /** The last scale-in step's removal request. */
    readonly lastScaleIn?: { readonly at: string; readonly requestId: string };
    /** Why the last candidacy ended (at the minimum, nothing removable, an alert fired…). */
    readonly ended?: { readonly at: string; readonly reason: string };
    /** Whether the minimum forbids removing one now (replica-flow's running replicas ≤ minReplicas). */
    readonly atMinimum: boolean;
    /** What the answer cannot take into account, said plainly. */
    readonly notKnown: readonly string[];
  };
}

const SCALE_IN_NOT_KNOWN = [
  'whether Tencent still lists a replica the scale-in may take (postpaid, this deployment’s, above the minimum): the poller asks right before it acts',
];

const policyView = async (
  primaryId: string,
  records: readonly RequestRecord[],
  tencent: TencentHalf,
  deps: FleetViewDependencies,
): Promise<FleetPolicyView> => {
  const match = findPrimaryPolicy(deps.policy, primaryId);
  const scaleOut = match?.entry.scaleOut;
  const fleet = fleetPolicyOf(match?.entry);
  const now = deps.clock.now();
  const perPrimary = maxReplicasFor(deps.policy, primaryId);
  const inFlight = records
    .filter((record) => IN_FLIGHT.has(record.state))
    .reduce((sum, record) => sum + (record.plan?.InstanceCount ?? record.request.InstanceCount ?? 1), 0);
  const listed = tencent.checked ? tencent.primary?.ReadOnlyInstanceNum : undefined;
  const total = listed === undefined ? undefined : listed + inFlight;
  const marker = await deps.store.getMarker(scaleOutMarkerName(primaryId));
  const markerAt = typeof marker?.value.at === 'string' ? marker.value.at : undefined;
  const markerRequest = typeof marker?.value.requestId === 'string' ? marker.value.requestId : undefined;
  const cooling = marker && marker.until.getTime() > now.getTime();
  const running = records.filter((record) => record.state === 'READY').length;
  const state = await deps.store.getFleetState(primaryId);
  const change = await lastFleetChangeOf(primaryId, state, deps, {
    now,
    scaleOutCooldownSeconds: scaleOut?.cooldownSeconds ?? 0,
    active: records,
  });
  const timing = scaleInTiming({
    state,
    scaleIn: fleet.scaleIn,
    lastChangeAt: change.at,
    heldUntil: change.heldUntil,
    now,
  });
  return {
    ...(match ? { entry: match.pattern } : {}),
    minReplicas: fleet.minReplicas,
    ...(scaleOut ? { maxReplicas: scaleOut.maxReplicas } : {}),
    maxReplicasPerPrimary: perPrimary,
    scaleOut: {
      enabled: scaleOut?.enabled ?? false,
      ...(listed === undefined ? {} : { listed }),
      inFlight,
      ...(total === undefined
        ? {}
        : {
            ...(scaleOut ? { room: Math.max(0, scaleOut.maxReplicas - total) } : {}),
            roomPerPrimary: Math.max(0, perPrimary - total),
          }),
      ...(cooling ? { cooldownUntil: marker.until.toISOString() } : {}),
      ...(markerAt && markerRequest ? { lastScaleOut: { at: markerAt, requestId: markerRequest } } : {}),
    },
    scaleIn: {
      enabled: fleet.scaleIn.enabled,
      cooldownSeconds: fleet.scaleIn.cooldownSeconds,
      stableForSeconds: fleet.scaleIn.stableForSeconds,
      destroy: fleet.scaleIn.destroy,
      ...(fleet.scaleIn.enabled
        ? { notBefore: new Date(timing.notBefore).toISOString(), boundBy: timing.boundBy }
        : {}),
      ...(state?.candidate
        ? {
            candidate: {
              since: state.candidate.since,
              alertName: state.candidate.alertName,
              step: state.candidate.epoch,
            },
          }
        : {}),
      ...(state?.lastFiredAt ? { lastFiredAt: state.lastFiredAt } : {}),
      firing: Object.values(state?.firing ?? {}).map((entry) => entry.alertName),
      ...(state?.lastScaleIn
        ? { lastScaleIn: { at: state.lastScaleIn.at, requestId: state.lastScaleIn.requestId } }
        : {}),
      ...(state?.ended ? { ended: state.ended } : {}),
      atMinimum: running <= fleet.minReplicas,
      notKnown: fleet.scaleIn.enabled ? SCALE_IN_NOT_KNOWN : [],
    },
  };
};

export interface FleetView extends FleetJoin {
  readonly primaryId: string;
  readonly region?: string;
  readonly deployment: string;
  /** When the view was taken (ISO-8601). */
  readonly at: string;
  readonly tencent: { readonly checked: true } | { readonly checked: false; readonly reason: string };
  readonly policy: FleetPolicyView;
  readonly budgets: readonly BudgetLine[];
}

export interface FleetViewOptions {
  /** The primary's region, when neither its policy entry nor its records say it. */
  readonly region?: string | undefined;
  /** The active-spend records, when the caller read them already (the fleet-wide view). */
  readonly active?: readonly RequestRecord[];
}

export const fleetView = async (
  primaryId: string,
  deps: FleetViewDependencies,
  options: FleetViewOptions = {},
): Promise<FleetView> => {
  const now = deps.clock.now();
  const deployment = deps.deployment ?? DEFAULT_DEPLOYMENT;
  const allActive = options.active ?? (await deps.store.listActiveSpend());
  const records = allActive
    .filter((record) => holdsActiveSpend(record.state) && primaryOf(record) === primaryId)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const region = regionOf(primaryId, options.region, records, deps.policy);
  const tencent = await askTencent(primaryId, region, records, deps);
  const join = joinFleet({
    primaryId,
    records,
    listed: tencent.checked ? tencent.listed : undefined,
    groups: tencent.checked ? tencent.groups : new Map(),
    deployment,
    now,
  });
  const policy = await policyView(primaryId, records, tencent, deps);
  const orphans = await withRecordStates(join.orphans, deps.store);
  if (tencent.checked) reportOrphansAndDrift(primaryId, join, deps.metrics);
  return {
    primaryId,
    ...(region ? { region } : {}),
    deployment,
    at: now.toISOString(),
    tencent: tencent.checked ? { checked: true } : { checked: false, reason: tencent.reason },
    ...join,
    orphans,
    policy,
    budgets: primaryBudgets(primaryId, allActive, deps.policy),
  };
};

const REQUEST_ID = /^r-[a-z0-9]{16}$/;

/** Each orphan whose request tag names a record: that record's state (FAILED, TIMED_OUT, …), or `gone`. */
const withRecordStates = async (
  orphans: readonly FleetOrphan[],
  store: Pick<RequestStore, 'get'>,
): Promise<FleetOrphan[]> =>
  Promise.all(
    orphans.map(async (orphan) => {
      if (!orphan.requestTag || !REQUEST_ID.test(orphan.requestTag)) return orphan;
      const record = await store.get(orphan.requestTag);
      return { ...orphan, recordState: record?.state ?? 'gone' };
    }),
  );

/** A WARN line naming what is wrong, and the two counts (also when 0, so an alarm sees them clear). */
const reportOrphansAndDrift = (primaryId: string, join: FleetJoin, metrics?: MetricsRecorder): void => {
  metrics?.add('FleetOrphans', {}, join.orphans.length);
  metrics?.add('FleetDrift', {}, join.drift.length);
  if (join.orphans.length === 0 && join.drift.length === 0) return;
  logger.warn('fleet: orphans or drift', {
    primaryId,
    orphans: join.orphans.map((orphan) => orphan.instanceId),
    drift: join.drift.map((entry) => ({
      requestId: entry.requestId,
      instanceId: entry.instanceId,
      tencentStatus: entry.tencentStatus,
    })),
  });
};

/** At most this many primaries in one fleet-wide answer (each is a few Tencent calls). */
export const MAX_FLEET_PRIMARIES = 50;

/**
 * Every primary's view (`GET /v1/fleet`): the primaries with active records, and those the policy
 * names exactly (not globs), in name order, at most `MAX_FLEET_PRIMARIES` (`truncated` says so).
 */
export const fleetOverview = async (
  deps: FleetViewDependencies,
): Promise<{ readonly primaries: readonly FleetView[]; readonly truncated: boolean }> => {
  const active = await deps.store.listActiveSpend();
  const named = Object.keys(deps.policy.primaries).filter((key) => !isGlob(key));
  const all = [
    ...new Set([...active.filter((record) => holdsActiveSpend(record.state)).map(primaryOf), ...named]),
  ].sort();
  const primaries: FleetView[] = [];
  for (const primaryId of all.slice(0, MAX_FLEET_PRIMARIES)) {
    primaries.push(await fleetView(primaryId, deps, { active }));
  }
  return { primaries, truncated: all.length > MAX_FLEET_PRIMARIES };
};
