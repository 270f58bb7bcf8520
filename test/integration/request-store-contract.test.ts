import { beforeAll, describe, expect, it } from 'vitest';
import { StoreError } from '#shared/adapters/store/store-error.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import { ConcurrentUpdateError, IllegalTransitionError } from '#shared/errors.ts';
import type {
  MarkerStore,
  RequestStore,
  SpendStore,
  TransitionCommand,
} from '#shared/ports/request-store.ts';
import { FIXTURE_TIME, notification, requestRecord } from '#test/fixtures/request-records.ts';
import { useDynaliteStores } from '#test/support/dynalite-tables.ts';
import { InMemoryStore } from '#test/support/in-memory-store.ts';

/**
 * One contract, two stores: every case runs against the in-memory fake the unit tests use and the
 * real DynamoDB store on dynalite, so a fake that drifts from the store fails here, not in production.
 */
const dynamo = useDynaliteStores('contract');

type Store = RequestStore & MarkerStore & SpendStore;

const stores: [string, () => Promise<Store>][] = [
  ['the in-memory store', async () => new InMemoryStore()],
  ['the DynamoDB store (dynalite)', dynamo.store],
];

const at = (minutes: number) => new Date(Date.parse(FIXTURE_TIME) + minutes * 60_000).toISOString();

/** The record as a use case sees it: what the store derives (the TTL) left out. */
const seen = (record: RequestRecord | undefined) => {
  if (!record) return record;
  const { expiresAt: _expiresAt, ...rest } = record;
  return rest;
};

const stored = async (store: Store, overrides: Partial<RequestRecord> = {}) => {
  const record = requestRecord(overrides);
  await store.putNew(record);
  return record;
};

const toValidated = (
  record: RequestRecord,
  overrides: Partial<TransitionCommand> = {},
): TransitionCommand => ({
  requestId: record.requestId,
  expectedVersion: record.version,
  from: 'RECEIVED',
  to: 'VALIDATED',
  actor: 'validate',
  at: at(1),
  ...overrides,
});

describe.each(stores)('the request store contract: %s', (_name, open) => {
  let store: Store;
  beforeAll(async () => {
    store = await open();
  });

  it('puts a new record once and answers the existing one for the same id', async () => {
    const record = requestRecord();
    const first = await store.putNew(record);
    const again = await store.putNew({ ...record, payloadHash: 'sha256:other' });

    expect(first.created).toBe(true);
    expect(again).toMatchObject({ created: false, existing: { payloadHash: record.payloadHash } });
    expect(seen(await store.get(record.requestId))).toEqual(record);
  });

  it('moves a record at the expected version and state, bumping the version and appending history', async () => {
    const record = await stored(store);
    const moved = await store.transition(toValidated(record, { note: 'valid', set: { deadline: at(60) } }));

    expect(moved).toMatchObject({ state: 'VALIDATED', version: 2, updatedAt: at(1), deadline: at(60) });
    expect(moved.history.at(-1)).toEqual({ state: 'VALIDATED', at: at(1), note: 'valid' });
    expect(seen(await store.get(record.requestId))).toEqual(seen(moved));
  });

  it('refuses a transition at a stale version and leaves the record as it was', async () => {
    const record = await stored(store);
    await store.transition(toValidated(record));

    await expect(store.transition(toValidated(record, { at: at(2) }))).rejects.toBeInstanceOf(
      ConcurrentUpdateError,
    );
    expect(await store.get(record.requestId)).toMatchObject({ state: 'VALIDATED', version: 2 });
  });

  it('refuses a transition from a state the record is not in, even at its version', async () => {
    const record = await stored(store);

    await expect(
      store.transition({ ...toValidated(record), from: 'VALIDATED', to: 'CREATING', actor: 'create' }),
    ).rejects.toBeInstanceOf(ConcurrentUpdateError);
    expect(await store.get(record.requestId)).toMatchObject({ state: 'RECEIVED', version: 1 });
  });

  it('refuses an illegal transition before anything is written', async () => {
    const record = await stored(store);

    await expect(store.transition({ ...toValidated(record), to: 'READY' })).rejects.toBeInstanceOf(
      IllegalTransitionError,
    );
    expect(await store.get(record.requestId)).toMatchObject({ state: 'RECEIVED', version: 1 });
  });

  it('refuses a change by an actor the table does not give it to, naming the actor, before anything is written', async () => {
    const record = await stored(store);

    const byCreate = store.transition({ ...toValidated(record), actor: 'create' });

    await expect(byCreate).rejects.toBeInstanceOf(IllegalTransitionError);
    await expect(byCreate).rejects.toMatchObject({ from: 'RECEIVED', to: 'VALIDATED', actor: 'create' });
    expect(await store.get(record.requestId)).toMatchObject({ state: 'RECEIVED', version: 1 });
  });

  it('refuses a change to a record that does not exist', async () => {
    const record = requestRecord();

    await expect(store.transition(toValidated(record))).rejects.toBeInstanceOf(ConcurrentUpdateError);
    await expect(
      store.update({ requestId: record.requestId, expectedVersion: 1, set: { deadline: at(5) }, at: at(1) }),
    ).rejects.toBeInstanceOf(ConcurrentUpdateError);
    expect(await store.get(record.requestId)).toBeUndefined();
  });

  it('updates at the expected version, keeping the state and the history', async () => {
    const record = await stored(store);
    const updated = await store.update({
      requestId: record.requestId,
      expectedVersion: 1,
      set: { deadline: at(30) },
      at: at(1),
    });

    expect(updated).toMatchObject({ state: 'RECEIVED', version: 2, deadline: at(30), updatedAt: at(1) });
    expect(updated.history).toEqual(record.history);
  });

  it('refuses an update at a stale version', async () => {
    const record = await stored(store);
    const command = { requestId: record.requestId, expectedVersion: 1, set: { deadline: at(30) }, at: at(1) };
    await store.update(command);

    await expect(store.update({ ...command, at: at(2) })).rejects.toBeInstanceOf(ConcurrentUpdateError);
    expect(await store.get(record.requestId)).toMatchObject({ version: 2 });
  });

  it('refuses an update that names a state the record is no longer in', async () => {
    const record = await stored(store);

    await expect(
      store.update({
        requestId: record.requestId,
        expectedVersion: 1,
        state: 'VALIDATED',
        set: { deadline: at(30) },
        at: at(1),
      }),
    ).rejects.toBeInstanceOf(ConcurrentUpdateError);
    expect(await store.get(record.requestId)).toMatchObject({ version: 1 });
    expect((await store.get(record.requestId))?.deadline).toBeUndefined();
  });

  it('removes the fields a change names and leaves a field set to undefined as it was', async () => {
    const record = await stored(store, {
      lease: { owner: 'a', until: at(5) },
      deadline: at(60),
    });

    const updated = await store.update({
      requestId: record.requestId,
      expectedVersion: 1,
      set: { deadline: undefined },
      remove: ['lease'],
      at: at(1),
    });

    expect(updated.lease).toBeUndefined();
    expect(updated.deadline).toBe(at(60));
  });

  it.each([
    ['setting the version', { set: { version: 9 } as never }],
    ['setting the state', { set: { state: 'READY' } as never }],
    ['setting a store-owned attribute', { set: { expiresAt: 1 } }],
    ['removing the request', { remove: ['request'] as const }],
    ['setting and removing the same field', { set: { deadline: at(5) }, remove: ['deadline'] as const }],
  ])('refuses %s before anything is written', async (_what, change) => {
    const record = await stored(store);

    const refused = store.update({ requestId: record.requestId, expectedVersion: 1, at: at(1), ...change });

    await expect(refused).rejects.toBeInstanceOf(StoreError);
    await expect(refused).rejects.toMatchObject({ code: 'STORE_INVALID_COMMAND' });
    expect(await store.get(record.requestId)).toMatchObject({ version: 1, state: 'RECEIVED' });
  });

  it('lists a record while it has work left and drops it once terminal with its notification closed', async () => {
    const store = await open();
    const record = await stored(store, { state: 'PROVISIONING' });
    const ready = await store.transition({
      requestId: record.requestId,
      expectedVersion: 1,
      from: 'PROVISIONING',
      to: 'READY',
      actor: 'poll',
      set: { notification: notification('PENDING') },
      at: at(1),
    });
    const listedWhilePending = (await store.listInFlight()).records.map((listed) => listed.requestId);
    await store.update({
      requestId: record.requestId,
      expectedVersion: ready.version,
      state: 'READY',
      set: { notification: notification('DELIVERED') },
      at: at(2),
    });

    expect(listedWhilePending).toEqual([record.requestId]);
    expect((await store.listInFlight()).records).toEqual([]);
  });

  it('lists as active spend exactly the records holding or about to hold a replica, whatever their notification', async () => {
    const store = await open();
    const validated = await stored(store, { state: 'VALIDATED' });
    const ready = await stored(store, { state: 'READY', notification: notification('DELIVERED') });
    await stored(store, { state: 'RECEIVED' });
    await stored(store, { state: 'DRY_RUN', notification: notification('DELIVERED') });
    await stored(store, { state: 'FAILED', notification: notification('PENDING') });

    const ids = (await store.listActiveSpend()).map((listed) => listed.requestId).sort();

    expect(ids).toEqual([validated.requestId, ready.requestId].sort());
  });

  it('follows the state through transitions: in from VALIDATED on, out once the create FAILED', async () => {
    const store = await open();
    const record = await stored(store);
    const listed = async () => (await store.listActiveSpend()).map((active) => active.requestId);
    const inReceived = await listed();
    const validated = await store.transition(toValidated(record));
    const inValidated = await listed();
    const creating = await store.transition({
      requestId: record.requestId,
      expectedVersion: validated.version,
      from: 'VALIDATED',
      to: 'CREATING',
      actor: 'create',
      at: at(2),
    });
    const inCreating = await listed();
    await store.transition({
      requestId: record.requestId,
      expectedVersion: creating.version,
      from: 'CREATING',
      to: 'FAILED',
      actor: 'create',
      set: { notification: notification('PENDING') },
      at: at(3),
    });

    expect([inReceived, inValidated, inCreating, await listed()]).toEqual([
      [],
      [record.requestId],
      [record.requestId],
      [],
    ]);
    expect(await store.listActiveSpend()).toEqual([]);
  });

  it('answers active-spend records as records, without the index attributes', async () => {
    const store = await open();
    const record = await stored(store, { state: 'READY', notification: notification('DELIVERED') });

    expect((await store.listActiveSpend()).map(seen)).toEqual([seen(record)]);
  });

  it('gives a named lock to one owner until it expires or its owner releases it', async () => {
    const now = new Date(FIXTURE_TIME);
    const until = new Date(now.getTime() + 30_000);
    const lock = `lock-${Math.random()}`;

    expect(await store.acquireLock(lock, 'a', until, now)).toBe(true);
    expect(await store.acquireLock(lock, 'b', until, now)).toBe(false);
    expect(await store.acquireLock(lock, 'a', until, now)).toBe(true);
    await store.releaseLock(lock, 'b');
    expect(await store.acquireLock(lock, 'b', until, now)).toBe(false);
    expect(await store.acquireLock(lock, 'b', until, new Date(until.getTime() + 1))).toBe(true);
    await store.releaseLock(lock, 'b');
    expect(await store.acquireLock(lock, 'c', until, now)).toBe(true);
  });

  it('writes a marker only when none is live, and reads an expired one as absent', async () => {
    const now = new Date(FIXTURE_TIME);
    const until = new Date(now.getTime() + 60_000);
    const name = `marker-${Math.random()}`;

    expect(await store.putMarker(name, { by: 'a' }, { ifAbsentOrExpired: true, until, now })).toBe(true);
    expect(await store.putMarker(name, { by: 'b' }, { ifAbsentOrExpired: true, until, now })).toBe(false);
    expect(await store.getMarker(name, now)).toMatchObject({ value: { by: 'a' } });
    expect(await store.getMarker(name, new Date(until.getTime() + 1))).toBeUndefined();
    const later = new Date(until.getTime() + 1);
    expect(
      await store.putMarker(
        name,
        { by: 'c' },
        { ifAbsentOrExpired: true, until: new Date(later.getTime() + 1), now: later },
      ),
    ).toBe(true);
  });
});
