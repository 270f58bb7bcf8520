import { setTimeout as sleep } from 'node:timers/promises';
import { emptyFleetState, type FleetState } from '#shared/domain/fleet-state.ts';
import { ConcurrentUpdateError } from '#shared/errors.ts';
import type { FleetStateStore } from '#shared/ports/fleet-state-store.ts';

/** Read-modify-write rounds before a change of one primary's fleet state gives up. */
export const FLEET_STATE_ATTEMPTS = 8;

/**
 * Applies `change` to the primary's fleet state as a conditional write on the version read; a lost
 * race reads again (after a short random pause) and re-applies (the change is a pure function of the
 * state it is given). Returns
 * what `change` returned with the state it wrote, or with the unchanged state when it asked for no
 * write (`write: false`). Throws `ConcurrentUpdateError` after `FLEET_STATE_ATTEMPTS` lost races.
 */
export const updateFleetState = async <Result>(
  primaryId: string,
  change: (state: FleetState) => {
    readonly state: FleetState;
    readonly result: Result;
    readonly write?: boolean;
  },
  store: FleetStateStore,
): Promise<{ readonly state: FleetState; readonly result: Result }> => {
  for (let attempt = 1; attempt <= FLEET_STATE_ATTEMPTS; attempt++) {
    const current = (await store.getFleetState(primaryId)) ?? emptyFleetState(primaryId);
    const next = change(current);
    if (next.write === false) return { state: current, result: next.result };
    const written = { ...next.state, primaryId, version: current.version + 1 };
    if (await store.putFleetState(written, current.version)) return { state: written, result: next.result };
    // Lost a race: spread the retries of writers that collided (a few ms, growing).
    await sleep(Math.floor(Math.random() * 10 * attempt));
  }
  throw new ConcurrentUpdateError(
    primaryId,
    `The fleet state of ${primaryId} changed under ${FLEET_STATE_ATTEMPTS} attempts in a row; try again`,
  );
};
