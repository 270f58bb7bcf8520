import { beforeAll, describe, expect, it } from 'vitest';
import { emptyFleetState, type FleetState } from '#shared/domain/fleet-state.ts';
import type { FleetStateStore } from '#shared/ports/fleet-state-store.ts';
import type { MarkerStore } from '#shared/ports/request-store.ts';
import { FIXTURE_TIME } from '#test/fixtures/request-records.ts';
import { useDynaliteStores } from '#test/support/dynalite-tables.ts';
import { InMemoryStore } from '#test/support/in-memory-store.ts';

/**
 * Scale-in's store contract, on the in-memory fake and on the DynamoDB store (dynalite): fleet states
 * written only over the version read, listed from their one partition; a marker taken over only
 * from the holder named.
 */
const dynamo = useDynaliteStores('fleet-contract');

type Store = FleetStateStore & MarkerStore;

const stores: [string, () => Promise<Store>][] = [
  ['the in-memory store', async () => new InMemoryStore()],
  ['the DynamoDB store (dynalite)', dynamo.store],
];

const candidateState = (primaryId: string, version: number): FleetState => ({
  ...emptyFleetState(primaryId),
  version,
  epoch: 1,
  lastFiredAt: FIXTURE_TIME,
  firing: { 'other-alert': { at: FIXTURE_TIME, alertName: 'PostgresHighConnections' } },
  candidate: { epoch: 1, since: FIXTURE_TIME, source: 'alertmanager', alertName: 'PostgresHighCPU' },
});

describe.each(stores)('the fleet state store contract: %s', (_name, open) => {
  let store: Store;
  beforeAll(async () => {
    store = await open();
  });

  it('writes a fleet state only over the version it read, and reads it back as written', async () => {
    const primaryId = `postgres-${Math.random().toString(36).slice(2, 10)}`;
    expect(await store.getFleetState(primaryId)).toBeUndefined();
    expect(await store.putFleetState(candidateState(primaryId, 1), 0)).toBe(true);
    // A second first write (another writer that also read nothing) loses.
    expect(await store.putFleetState(candidateState(primaryId, 1), 0)).toBe(false);
    expect(await store.getFleetState(primaryId)).toEqual(candidateState(primaryId, 1));

    const { candidate: _ended, ...next } = candidateState(primaryId, 2);
    expect(await store.putFleetState(next, 1)).toBe(true);
    expect(await store.putFleetState({ ...next, version: 2 }, 1)).toBe(false);
    expect(await store.getFleetState(primaryId)).toEqual(next);
    await expect(store.putFleetState({ ...next, version: 5 }, 2)).rejects.toThrow(/does not follow/);
  });

  it('lists every primary’s fleet state', async () => {
    const ids = ['postgres-list0001', 'postgres-list0002'];
    for (const id of ids) await store.putFleetState(candidateState(id, 1), 0);
    const listed = (await store.listFleetStates()).map((state) => state.primaryId);
    expect(listed).toEqual(expect.arrayContaining(ids));
  });

  it('takes a live marker over only from the holder it names', async () => {
    const now = new Date(FIXTURE_TIME);
    const until = new Date(now.getTime() + 60_000);
    const name = `marker-${Math.random()}`;
    const options = { ifAbsentOrExpired: true, until, now } as const;
    expect(await store.putMarker(name, { requestId: 'r-holder' }, options)).toBe(true);
    expect(await store.putMarker(name, { requestId: 'r-next' }, { ...options, orHeldBy: 'r-other' })).toBe(
      false,
    );
    expect(await store.putMarker(name, { requestId: 'r-next' }, { ...options, orHeldBy: 'r-holder' })).toBe(
      true,
    );
    expect(await store.getMarker(name, now)).toMatchObject({ value: { requestId: 'r-next' } });
  });
});
