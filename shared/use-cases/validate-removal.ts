import type { DBInstance } from 'tencentcloud-sdk-nodejs/tencentcloud/services/postgres/v20170312/postgres_models.js';
import { checkCallbackUrl } from '#shared/domain/callback-url.ts';
import { DEFAULT_DEPLOYMENT, DEPLOYMENT_TAG_KEY } from '#shared/domain/deployment-identity.ts';
import { findPrimaryPolicy } from '#shared/domain/policy-evaluation.ts';
import { fleetPolicyOf } from '#shared/domain/policy-fleet.ts';
import type { RemovalTarget } from '#shared/domain/removal-request.ts';
import type { RemovalRefusalReason } from '#shared/domain/removal-safety.ts';
import { checkNamedReplica, type PickResult, pickReplicaToRemove } from '#shared/domain/replica-picker.ts';
import { regionOfZone } from '#shared/domain/replica-request-fields.ts';
import type { RequestRecord, RuleViolation } from '#shared/domain/request-record.ts';
import { logger } from '#shared/logger.ts';
import {
  endDryRun,
  markValidated,
  rejectRequest,
  suppressScaleOut,
} from '#shared/transitions/validate-transitions.ts';
import { enqueuePendingNotifications, pendingNotification } from '#shared/use-cases/notification-outbox.ts';
import { fleetActivityOf, takeFleetMarkers } from '#shared/use-cases/removal-sequence.ts';
import type { ValidateDependencies, ValidateOutcome } from '#shared/use-cases/validate-dependencies.ts';

/**
 * Validation of a removal (`kind: 'removal'`), run by the requests queue's worker in place of a
 * create's checks (`validateRequest` dispatches here). It reads the primary's replicas from Tencent
 * (never a cache), picks the replica (`pickReplicaToRemove`, or `checkNamedReplica` for a named one),
 * and ends the request:
 * - REJECTED with a named rule (`removal.foreignInstance`, `removal.prepaidNeedsAdmin`,
 *   `removal.nothingToRemove`, …) when the rules forbid it;
 * - SUPPRESSED (`removal.primaryBusy`, `removal.alreadyRemoving`, `removal.belowMinimum`) when it
 *   may not happen now;
 * - DRY_RUN with the replica that would be removed;
 * - VALIDATED with the target (id, group, charge type) and the policy's destroy mode, after taking
 *   the primary's sequence marker and the replica's removal marker (`removal-sequence.ts`); the
 *   steps then run from the create queue (`remove-replica.ts`).
 * Every refusal notifies `replica.removal_suppressed` (nothing was removed); a dry run `replica.dry_run`.
 */

const RULES: Readonly<Record<RemovalRefusalReason | 'no-candidate' | 'already-removing', string>> = {
  'instance-not-found': 'removal.instanceNotFound',
  'foreign-instance': 'removal.foreignInstance',
  'primary-instance': 'removal.primaryInstance',
  'other-primary': 'removal.otherPrimary',
  'status-not-allowed': 'removal.statusNotAllowed',
  'prepaid-needs-admin': 'removal.prepaidNeedsAdmin',
  'below-minimum': 'removal.belowMinimum',
  'no-candidate': 'removal.nothingToRemove',
  'already-removing': 'removal.alreadyRemoving',
};

/** Refusals that say "not now" rather than "never": SUPPRESSED, not REJECTED. */
const NOT_NOW: ReadonlySet<string> = new Set([
  'removal.belowMinimum',
  'removal.alreadyRemoving',
  'removal.primaryBusy',
]);

const PAGE = 100;

/** The region a removal's primary lives in: the request's, else its policy's default Region or Zone. */
export const removalRegionOf = (record: RequestRecord, deps: Pick<ValidateDependencies, 'policy'>) => {
  const defaults = findPrimaryPolicy(deps.policy, record.request.MasterDBInstanceId)?.entry.defaults;
  return record.request.Region ?? defaults?.Region ?? regionOfZone(defaults?.Zone ?? '');
};

/** This deployment's replicas in the region (one page a call), or the one named instance (also the scale-in step's pre-check). */
export const describeCandidates = async (
  region: string,
  named: string | undefined,
  deps: Pick<ValidateDependencies, 'tencent'>,
): Promise<{ instances: DBInstance[]; calls: number }> => {
  const filter = named
    ? { Name: 'db-instance-id', Values: [named] }
    : { Name: 'db-tag-key', Values: [DEPLOYMENT_TAG_KEY] };
  const instances: DBInstance[] = [];
  let calls = 0;
  for (let offset = 0, total = Number.POSITIVE_INFINITY; offset < total; offset += PAGE) {
    calls += 1;
    const page = await deps.tencent.describeDBInstances(region, {
      Filters: [filter],
      Limit: PAGE,
      Offset: offset,
    });
    instances.push(...(page.DBInstanceSet ?? []));
    total = page.TotalCount ?? 0;
    if ((page.DBInstanceSet ?? []).length === 0) break;
  }
  return { instances, calls };
};

export const validateRemoval = async (
  record: RequestRecord,
  deps: ValidateDependencies & { readonly deployment?: string },
): Promise<ValidateOutcome> => {
  const primaryId = record.request.MasterDBInstanceId;
  const details = record.removal ?? { trigger: { kind: 'slack' as const } };
  const callbackUrl = record.request.callback?.url;
  if (callbackUrl) {
    const verdict = checkCallbackUrl(callbackUrl, deps.callbackRules);
    if (!verdict.ok)
      return refuse(record, deps, { rule: 'callback.url', field: 'callback.url', message: verdict.reason });
  }
  const match = findPrimaryPolicy(deps.policy, primaryId);
  if (!match) {
    return refuse(record, deps, {
      rule: 'removal.primaryNotManaged',
      field: 'MasterDBInstanceId',
      message: `No policy entry covers ${primaryId}: replica-flow manages no replicas of it`,
    });
  }
  const region = removalRegionOf(record, deps);
  if (!region) {
    return refuse(record, deps, {
      rule: 'removal.region',
      field: 'Region',
      message: `Name the Region of ${primaryId}: its policy entry gives no default Region or Zone`,
    });
  }
  const fleet = fleetPolicyOf(match.entry);
  const activity = await fleetActivityOf(primaryId, record.requestId, deps);
  const { instances, calls } = await describeCandidates(region, details.DBInstanceId, deps);
  const pickInput = {
    primaryId,
    instances,
    records: [],
    deployment: deps.deployment ?? DEFAULT_DEPLOYMENT,
    trigger: details.trigger,
    minReplicas: fleet.minReplicas,
    removing: activity.removing,
  };
  const picked: PickResult = details.DBInstanceId
    ? checkNamedReplica({ ...pickInput, instanceId: details.DBInstanceId })
    : pickReplicaToRemove(pickInput);
  if (!picked.picked) {
    return refuse(record, deps, {
      rule: RULES[picked.reason],
      field: details.DBInstanceId ? 'DBInstanceId' : 'MasterDBInstanceId',
      message: picked.message,
    });
  }
  const target: RemovalTarget = {
    instanceId: picked.instance.DBInstanceId ?? '',
    region,
    readOnlyGroupId: '',
    payType: picked.instance.PayType ?? 'unknown',
    ...(picked.requestId ? { createdBy: picked.requestId } : {}),
  };
  const removal = {
    ...details,
    target,
    destroy: fleet.scaleIn.destroy,
    tencentCalls: calls,
    // An alert's removal re-checks the minimum before each step (remove-replica.ts).
    ...(details.trigger.kind === 'alert' ? { minReplicas: fleet.minReplicas } : {}),
  };
  const at = deps.clock.now().toISOString();
  if (record.request.dryRun) {
    const ended = await endDryRun(deps.store, {
      requestId: record.requestId,
      expectedVersion: record.version,
      set: { removal, notification: pendingNotification('replica.dry_run') },
      note: `would remove ${target.instanceId}; nothing removed`,
      at,
    });
    await enqueuePendingNotifications([ended], deps, at);
    return 'dry-run';
  }
  // One sequence per primary, one removal per replica: both conditional markers, before VALIDATED.
  const scaleOutCooldownSeconds = match.entry.scaleOut?.cooldownSeconds ?? 0;
  const busy =
    activity.busy ??
    (await takeFleetMarkers(record, target.instanceId, {
      ...deps,
      served: { store: deps.store, scaleOutCooldownSeconds },
    }));
  if (busy) return refuse(record, deps, busy);
  // The poller ends a removal that is not isolated by then REMOVAL_FAILED (poll-removals.ts).
  const deadline = new Date(deps.clock.now().getTime() + deps.provisioningTimeoutMs).toISOString();
  await markValidated(deps.store, {
    requestId: record.requestId,
    expectedVersion: record.version,
    set: { removal, deadline },
    note: `removing ${target.instanceId} (${target.payType}; then ${fleet.scaleIn.destroy})`,
    at,
  });
  await deps.queue.send('create', { requestId: record.requestId });
  return 'validated';
};

const refuse = async (
  record: RequestRecord,
  deps: ValidateDependencies,
  violation: RuleViolation,
): Promise<ValidateOutcome> => {
  const at = deps.clock.now().toISOString();
  const notNow = NOT_NOW.has(violation.rule);
  const change = {
    requestId: record.requestId,
    expectedVersion: record.version,
    set: { violations: [violation], notification: pendingNotification('replica.removal_suppressed') },
    note: `${violation.rule}: ${violation.message}`,
    at,
  };
  const ended = notNow ? await suppressScaleOut(deps.store, change) : await rejectRequest(deps.store, change);
  logger.info('removal refused', {
    requestId: record.requestId,
    rule: violation.rule,
    reason: violation.message,
  });
  await enqueuePendingNotifications([ended], deps, at);
  return notNow ? 'suppressed' : 'rejected';
};
