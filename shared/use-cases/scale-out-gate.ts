import { isAlertSource } from '#shared/domain/alert-sources.ts';
import type { Policy } from '#shared/domain/policy.ts';
import { findPrimaryPolicy, resolvePlan } from '#shared/domain/policy.ts';
import type { ReplicaPlan, RequestRecord, RuleViolation } from '#shared/domain/request-record.ts';
import { isTerminal, type RequestState } from '#shared/domain/request-state.ts';
import { MIN_SCALE_OUT_HOLD_SECONDS, scaleOutMarkerName } from '#shared/domain/scale-out-marker.ts';
import { logger } from '#shared/logger.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { MessageQueue } from '#shared/ports/message-queue.ts';
import type { MarkerStore, RequestStore } from '#shared/ports/request-store.ts';
import type { TencentPostgres } from '#shared/ports/tencent-postgres.ts';
import { suppressScaleOut } from '#shared/transitions/validate-transitions.ts';
import { enqueuePendingNotifications, pendingNotification } from '#shared/use-cases/notification-outbox.ts';
import { describePrimary } from '#shared/use-cases/tencent-prechecks.ts';

/**
 * The scale-out gate (docs/ingress/scale-out-policy.md), run by `validate` on requests from an
 * alert source before the normal checks, in the manner of Aurora Auto Scaling: the primary's
 * `scaleOut` must be enabled, its replicas (Tencent's `ReadOnlyInstanceNum` plus our requests in
 * flight whose replicas Tencent may not list yet) must be below `maxReplicas`, and only one request
 * per cooldown wins the primary's marker (a conditional put). Anything else ends SUPPRESSED.
 */

export interface ScaleOutGateDependencies {
  readonly store: RequestStore;
  readonly markers: MarkerStore;
  readonly queue: MessageQueue;
  readonly tencent: TencentPostgres;
  readonly clock: Clock;
  readonly policy: Policy;
}

export type ScaleOutVerdict =
  | { readonly pass: true; readonly reason: string }
  | { readonly pass: false; readonly violation: RuleViolation };

/** Past RECEIVED, not yet seen running by the poller: their replicas may be missing from Tencent's count. */
const IN_FLIGHT: ReadonlySet<RequestState> = new Set(['VALIDATED', 'CREATING', 'SUBMITTED', 'UNKNOWN']);
const MAX_IN_FLIGHT_PAGES = 50;

export interface ReplicaCount {
  /** Tencent's `ReadOnlyInstanceNum`: listed, non-isolated read-only instances of the primary. */
  readonly listed: number;
  /** Replicas our VALIDATED/CREATING/SUBMITTED/UNKNOWN requests for the primary will add. */
  readonly inFlight: number;
  /** Removals of the primary past RECEIVED and not ended (removal-sequence.ts): a scale-out waits for them. */
  readonly removalsInFlight: number;
}

/** The primary's replicas, or undefined when Tencent does not know the primary. */
export const countReplicas = async (
  plan: ReplicaPlan,
  requestId: string,
  deps: Pick<ScaleOutGateDependencies, 'store' | 'tencent'>,
): Promise<ReplicaCount | undefined> => {
  const primary = await describePrimary(plan, deps.tencent);
  if (!primary) return undefined;
  let inFlight = 0;
  let removalsInFlight = 0;
  let cursor: string | undefined;
  for (let page = 0; page < MAX_IN_FLIGHT_PAGES; page++) {
    const found = await deps.store.listInFlight({ limit: 100, ...(cursor ? { cursor } : {}) });
    for (const record of found.records) {
      const primaryId = record.plan?.MasterDBInstanceId ?? record.request.MasterDBInstanceId;
      if (record.requestId === requestId || primaryId !== plan.MasterDBInstanceId) continue;
      if (record.kind === 'removal') {
        if (record.state !== 'RECEIVED' && !isTerminal(record.state)) removalsInFlight += 1;
        continue;
      }
      if (IN_FLIGHT.has(record.state))
        inFlight += record.plan?.InstanceCount ?? record.request.InstanceCount ?? 1;
    }
    cursor = found.cursor;
    if (!cursor) break;
  }
  return { listed: primary.ReadOnlyInstanceNum ?? 0, inFlight, removalsInFlight };
};

const suppress = (rule: string, message: string): ScaleOutVerdict => ({
  pass: false,
  violation: { rule, message, field: 'MasterDBInstanceId' },
});

const cooldownViolation = (primaryId: string, holder: Readonly<Record<string, unknown>>, until: Date) =>
  suppress(
    'scaleOut.cooldown',
    `Primary ${primaryId} ${holder.kind === 'removal' ? 'started a removal' : 'scaled out'} at ${String(holder.at ?? 'an earlier time')} (request ${String(holder.requestId ?? 'unknown')}); ` +
      `cooldown until ${until.toISOString()}`,
  );

/** Decides whether an alert request may go on to the normal checks. Pure reads, plus the marker put. */
export const checkScaleOut = async (
  record: RequestRecord,
  deps: ScaleOutGateDependencies,
): Promise<ScaleOutVerdict> => {
  const primaryId = record.request.MasterDBInstanceId;
  const match = findPrimaryPolicy(deps.policy, primaryId);
  const scaleOut = match?.entry.scaleOut;
  if (!scaleOut?.enabled) {
    const why = !match
      ? 'no policy entry allows it'
      : !scaleOut
        ? 'its policy entry has no scaleOut'
        : 'scaleOut.enabled is false';
    return suppress('scaleOut.disabled', `Scale-out disabled for primary ${primaryId} (${why})`);
  }
  const { plan } = resolvePlan(record.request, deps.policy);
  // Nothing can be created from it: the policy checks will refuse it; no cooldown is taken for it.
  if (!plan) return { pass: true, reason: 'plan refused by the policy; left to the policy checks' };

  const name = scaleOutMarkerName(primaryId);
  const now = deps.clock.now();
  const held = await deps.markers.getMarker(name, now);
  if (held?.value.requestId === record.requestId)
    return { pass: true, reason: 'already holds the scale-out marker' };
  if (held) return cooldownViolation(primaryId, held.value, held.until);

  const count = await countReplicas(plan, record.requestId, deps);
  if (!count) return { pass: true, reason: 'primary unknown to Tencent; left to the pre-checks' };
  if (count.removalsInFlight > 0) {
    return suppress(
      'scaleOut.removalInFlight',
      `Primary ${primaryId} has ${count.removalsInFlight} removal(s) in flight; one fleet change of a primary at a time`,
    );
  }
  const total = count.listed + count.inFlight;
  if (total + plan.InstanceCount > scaleOut.maxReplicas) {
    return suppress(
      'scaleOut.maxReplicas',
      `Primary ${primaryId} has ${total} replica(s) (${count.listed} listed by Tencent, ${count.inFlight} in flight); ` +
        `scale-out stops at ${scaleOut.maxReplicas}`,
    );
  }
  const holdSeconds = Math.max(scaleOut.cooldownSeconds, MIN_SCALE_OUT_HOLD_SECONDS);
  const until = new Date(now.getTime() + holdSeconds * 1000);
  const value = { requestId: record.requestId, at: now.toISOString() };
  if (await deps.markers.putMarker(name, value, { ifAbsentOrExpired: true, until, now })) {
    return { pass: true, reason: `won the scale-out marker until ${until.toISOString()}` };
  }
  const winner = await deps.markers.getMarker(name, now);
  if (winner?.value.requestId === record.requestId)
    return { pass: true, reason: 'already holds the scale-out marker' };
  return cooldownViolation(primaryId, winner?.value ?? {}, winner?.until ?? until);
};

/**
 * Runs the gate for a request from an alert source. A suppressed request is recorded SUPPRESSED
 * with the reason (as its violation) and a `replica.suppressed` notification; returns 'suppressed'.
 * Requests from other sources, and those that pass, return undefined and go on as usual.
 */
export const gateScaleOut = async (
  record: RequestRecord,
  deps: ScaleOutGateDependencies,
): Promise<'suppressed' | undefined> => {
  if (!isAlertSource(record.requester.source)) return undefined;
  const verdict = await checkScaleOut(record, deps);
  const log = { requestId: record.requestId, primaryId: record.request.MasterDBInstanceId };
  if (verdict.pass) {
    logger.info('scale-out gate passed', { ...log, reason: verdict.reason });
    return undefined;
  }
  const at = deps.clock.now().toISOString();
  const suppressed = await suppressScaleOut(deps.store, {
    requestId: record.requestId,
    expectedVersion: record.version,
    set: { violations: [verdict.violation], notification: pendingNotification('replica.suppressed') },
    note: verdict.violation.message,
    at,
  });
  logger.info('scale-out suppressed', {
    ...log,
    rule: verdict.violation.rule,
    reason: verdict.violation.message,
  });
  await enqueuePendingNotifications([suppressed], deps, at);
  return 'suppressed';
};
