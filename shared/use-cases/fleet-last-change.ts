import type { FleetState } from '#shared/domain/fleet-state.ts';
import { kindOf } from '#shared/domain/request-kind.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import { isTerminal } from '#shared/domain/request-state.ts';
import { latestOf } from '#shared/domain/scale-in-timing.ts';
import { scaleOutMarkerName } from '#shared/domain/scale-out-marker.ts';
import type { MarkerStore, RequestStore, SpendStore } from '#shared/ports/request-store.ts';
import { sequenceHoldServed } from '#shared/use-cases/sequence-hold.ts';

/**
 * The primary's last fleet change, from the records (scale-in's cooldown is read from the table,
 * never from memory): the primary's sequence marker (the last alert scale-out or removal started),
 * its running and in-flight creates (when each was asked for and when it became READY), and the
 * last scale-in step's removal (when it ended, or that it has not).
 */
export interface LastFleetChange {
  /** ISO-8601; absent when nothing is known to have changed the fleet. */
  readonly at?: string;
  /** The last scale-in step's removal, when it has not ended yet (or was claimed but not recorded). */
  readonly scaleInOpen?: { readonly requestId: string; readonly recorded: boolean };
  /**
   * Until when the primary's sequence marker holds a removal back (ISO-8601): held, unexpired, and
   * not a scale-out's hold that has served its purpose (`sequence-hold.ts`). Absent: free.
   */
  readonly heldUntil?: string;
}

export interface LastChangeDependencies {
  readonly store: Pick<RequestStore, 'get'> & MarkerStore & SpendStore;
}

const primaryOf = (record: RequestRecord): string =>
  record.plan?.MasterDBInstanceId ?? record.request.MasterDBInstanceId;

const readyAt = (record: RequestRecord): string | undefined =>
  record.history.findLast((entry) => entry.state === 'READY')?.at;

export const lastFleetChangeOf = async (
  primaryId: string,
  state: Pick<FleetState, 'lastScaleIn'> | undefined,
  deps: LastChangeDependencies,
  options: {
    readonly now: Date;
    readonly scaleOutCooldownSeconds: number;
    readonly active?: readonly RequestRecord[] | undefined;
  },
): Promise<LastFleetChange> => {
  const { now, active } = options;
  const marker = await deps.store.getMarker(scaleOutMarkerName(primaryId));
  const markerAt = typeof marker?.value.at === 'string' ? marker.value.at : undefined;
  const held =
    marker &&
    marker.until.getTime() >= now.getTime() &&
    !(await sequenceHoldServed(marker, options.scaleOutCooldownSeconds, now, deps.store))
      ? { heldUntil: marker.until.toISOString() }
      : {};
  const creates = (active ?? (await deps.store.listActiveSpend())).filter(
    (record) => kindOf(record) === 'create' && primaryOf(record) === primaryId,
  );
  const createTimes = creates.flatMap((record) => [record.createdAt, readyAt(record)]);
  const last = state?.lastScaleIn;
  if (!last) return { ...withAt(latestOf(markerAt, ...createTimes)), ...held };
  const removal = await deps.store.get(last.requestId);
  const removalAt = removal
    ? isTerminal(removal.state)
      ? removal.history.at(-1)?.at
      : removal.createdAt
    : last.at;
  const at = latestOf(markerAt, ...createTimes, last.at, removalAt);
  if (removal && isTerminal(removal.state)) return { ...withAt(at), ...held };
  return {
    ...withAt(at),
    ...held,
    scaleInOpen: { requestId: last.requestId, recorded: removal !== undefined },
  };
};

const withAt = (at: string | undefined): LastFleetChange => (at ? { at } : {});
