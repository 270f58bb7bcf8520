import { kindOf } from '#shared/domain/request-kind.ts';
import type { RequestRecord, RuleViolation } from '#shared/domain/request-record.ts';
import { isTerminal, type RequestState } from '#shared/domain/request-state.ts';
import { MIN_SCALE_OUT_HOLD_SECONDS, scaleOutMarkerName } from '#shared/domain/scale-out-marker.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { Marker, MarkerStore, RequestStore } from '#shared/ports/request-store.ts';
import { sequenceHoldServed } from '#shared/use-cases/sequence-hold.ts';

/**
 * What is serialised, precisely (issue #14 "one per-primary sequence" and "never two removals of one
 * replica"):
 *
 * 1. Per primary, one fleet change at a time: a removal is VALIDATED only if no other removal of the
 *    primary and no create of it is in flight (past RECEIVED, not terminal: VALIDATED, CREATING,
 *    UNKNOWN, SUBMITTED, PROVISIONING for a create; VALIDATED, DRAINING, ISOLATING, ISOLATED for a
 *    removal), and an alert's scale-out passes the gate only if no removal of the primary is in
 *    flight (`scale-out-gate.ts`, `scaleOut.removalInFlight`).
 *    A scale-out's hold past its policy cooldown whose request has ended, or an ended removal's hold, has served its
 *    purpose (`sequence-hold.ts`): a removal takes the marker over, conditionally on that holder.
 * 2. The check and the step are made one by a conditional write: both take the primary's one marker
 *    (`scale-out#<primary>`, the scale-out gate's cooldown marker) with `ifAbsentOrExpired`, held at
 *    least `MIN_SCALE_OUT_HOLD_SECONDS` — longer than a winner takes to reach VALIDATED, after which it
 *    is seen in flight by rule 1. A removal never passes a scale-out's cooldown (scale in slowly).
 *    API, Slack and Jira creates do not pass the gate, so they are not held back by a removal; a
 *    removal is held back by them (rule 1).
 * 3. Per replica, one removal: the marker `removal#<instance id>` is taken (`ifAbsentOrExpired`) before
 *    VALIDATED and held for `REMOVAL_MARKER_HOURS`; a second removal naming that replica is
 *    SUPPRESSED `removal.alreadyRemoving`, and the picker skips replicas in-flight removals target.
 */

export const REMOVAL_MARKER_HOURS = 24;

export const removalMarkerName = (instanceId: string): string => `removal#${instanceId}`;

const CREATE_IN_FLIGHT: ReadonlySet<RequestState> = new Set([
  'VALIDATED',
  'CREATING',
  'UNKNOWN',
  'SUBMITTED',
  'PROVISIONING',
]);
const MAX_PAGES = 50;

export interface FleetActivity {
  /** Replicas in-flight removals of the primary target. */
  readonly removing: ReadonlySet<string>;
  /** Why the primary is busy now (another removal or a create in flight), if it is. */
  readonly busy?: RuleViolation;
}

const primaryOf = (record: RequestRecord): string =>
  record.plan?.MasterDBInstanceId ?? record.request.MasterDBInstanceId;

/** In-flight requests of the primary, other than `requestId`, from the in-flight index. */
export const fleetActivityOf = async (
  primaryId: string,
  requestId: string,
  deps: { readonly store: Pick<RequestStore, 'listInFlight'> },
): Promise<FleetActivity> => {
  const removing = new Set<string>();
  let other: RequestRecord | undefined;
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const found = await deps.store.listInFlight({ limit: 100, ...(cursor ? { cursor } : {}) });
    for (const record of found.records) {
      if (record.requestId === requestId || primaryOf(record) !== primaryId) continue;
      if (record.state === 'RECEIVED' || isTerminal(record.state)) continue;
      if (kindOf(record) === 'removal') {
        if (record.removal?.target) removing.add(record.removal.target.instanceId);
        other ??= record;
      } else if (CREATE_IN_FLIGHT.has(record.state)) other ??= record;
    }
    cursor = found.cursor;
    if (!cursor) break;
  }
  return {
    removing,
    ...(other
      ? {
          busy: {
            rule: 'removal.primaryBusy',
            field: 'MasterDBInstanceId',
            message: `${primaryId} has a ${kindOf(other) === 'removal' ? 'removal' : 'create'} in flight (request ${other.requestId}, ${other.state}): one fleet change of a primary at a time`,
          },
        }
      : {}),
  };
};

/**
 * Takes the primary's sequence marker, then the replica's removal marker (each kept if this request
 * already holds it: a redelivery). Undefined when both are held by this request; else the refusal.
 */
export const takeFleetMarkers = async (
  record: RequestRecord,
  instanceId: string,
  deps: {
    readonly markers: MarkerStore;
    readonly clock: Clock;
    /** With the primary's `scaleOut.cooldownSeconds`: a scale-out's served hold is taken over. */
    readonly served?: { readonly store: Pick<RequestStore, 'get'>; readonly scaleOutCooldownSeconds: number };
  },
): Promise<RuleViolation | undefined> => {
  const now = deps.clock.now();
  const primaryId = record.request.MasterDBInstanceId;
  const value = { requestId: record.requestId, kind: 'removal', instanceId, at: now.toISOString() };
  const served = deps.served;
  const sequence = await take(
    scaleOutMarkerName(primaryId),
    value,
    new Date(now.getTime() + MIN_SCALE_OUT_HOLD_SECONDS * 1000),
    now,
    deps.markers,
    served
      ? (held) => sequenceHoldServed(held, served.scaleOutCooldownSeconds, now, served.store)
      : undefined,
  );
  if (sequence) {
    return {
      rule: 'removal.primaryBusy',
      field: 'MasterDBInstanceId',
      message: `${primaryId} changed at ${String(sequence.value.at ?? 'an earlier time')} (${String(sequence.value.kind ?? 'scale-out')} request ${String(sequence.value.requestId ?? 'unknown')}); no removal before ${sequence.until.toISOString()}`,
    };
  }
  const replica = await take(
    removalMarkerName(instanceId),
    value,
    new Date(now.getTime() + REMOVAL_MARKER_HOURS * 3600 * 1000),
    now,
    deps.markers,
  );
  if (replica) {
    return {
      rule: 'removal.alreadyRemoving',
      field: 'DBInstanceId',
      message: `${instanceId} is already being removed by request ${String(replica.value.requestId ?? 'unknown')}`,
    };
  }
  return undefined;
};

/** Undefined when the marker is (now, or already) this request's; else the holder. */
const take = async (
  name: string,
  value: Readonly<Record<string, unknown>>,
  until: Date,
  now: Date,
  markers: MarkerStore,
  served?: (held: Marker) => Promise<boolean>,
) => {
  const held = await markers.getMarker(name, now);
  if (held?.value.requestId === value.requestId) return undefined;
  if (!held && (await markers.putMarker(name, value, { ifAbsentOrExpired: true, until, now })))
    return undefined;
  if (held && typeof held.value.requestId === 'string' && served && (await served(held))) {
    const options = { ifAbsentOrExpired: true, orHeldBy: held.value.requestId, until, now } as const;
    if (await markers.putMarker(name, value, options)) return undefined;
  }
  const winner = held ?? (await markers.getMarker(name, now));
  if (winner?.value.requestId === value.requestId) return undefined;
  return winner ?? { name, value: {}, until };
};
