import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type DynaliteServer,
  LOCAL_DYNAMO_CLIENT_CONFIG,
  startDynalite,
} from '#local/stack/dynalite-server.ts';
import {
  DEFAULT_RETENTION_SECONDS,
  DynamoRequestStore,
  type DynamoRequestStoreOptions,
} from '#shared/adapters/store/dynamo-request-store.ts';
import { StoreError } from '#shared/adapters/store/store-error.ts';
import { ensureTable } from '#shared/adapters/store/table-definition.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import type { RequestState } from '#shared/domain/request-state.ts';
import { ConcurrentUpdateError, ConfigError, IllegalTransitionError } from '#shared/errors.ts';
import { FIXTURE_TIME, notification, requestRecord } from '#test/fixtures/request-records.ts';
import { ownerOf } from '#test/support/transition-owner.ts';

let dynalite: DynaliteServer;
let client: DynamoDBClient;
let tables = 0;

beforeAll(async () => {
  dynalite = await startDynalite({ port: 0 });
  client = new DynamoDBClient({ ...LOCAL_DYNAMO_CLIENT_CONFIG, endpoint: dynalite.url });
});

afterAll(async () => {
  client.destroy();
  await dynalite.close();
});

/** A store on a table of its own, so counts in one test never see another's records. */
const freshStore = async (options: Partial<DynamoRequestStoreOptions> = {}) => {
  tables += 1;
  const tableName = `requests-${tables}`;
  await ensureTable(client, tableName);
  return { store: new DynamoRequestStore({ client, tableName, ...options }), tableName };
};

/** The raw item, to assert on the attributes the store derives and hides. */
const rawItem = async (tableName: string, requestId: string) => {
  const { Item } = await client.send(
    new GetItemCommand({
      TableName: tableName,
      Key: { pk: { S: `REQUEST#${requestId}` }, sk: { S: 'REQUEST' } },
      ConsistentRead: true,
    }),
  );
  return Item;
};

const at = (minutes: number) => new Date(Date.parse(FIXTURE_TIME) + minutes * 60_000).toISOString();

const inFlightIds = async (store: DynamoRequestStore) => {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listInFlight({ limit: 50, ...(cursor ? { cursor } : {}) });
    ids.push(...page.records.map((record) => record.requestId));
    cursor = page.cursor;
  } while (cursor);
  return ids.sort();
};

/** A store on a closed port that gives up after one attempt. */
const unreachableStore = () =>
  new DynamoRequestStore({
    client: new DynamoDBClient({
      ...LOCAL_DYNAMO_CLIENT_CONFIG,
      endpoint: 'http://127.0.0.1:9',
      maxAttempts: 1,
    }),
    tableName: 'requests',
  });

/** A record already in `state` (as if it had travelled there), version 1. */
const recordIn = (state: RequestState, overrides: Partial<RequestRecord> = {}) =>
  requestRecord({ state, history: [{ state, at: FIXTURE_TIME }], ...overrides });

describe('DynamoRequestStore', () => {
  describe('putNew', () => {
    it('creates the record once and returns the existing one to a second put with the same id', async () => {
      // Prepare
      const { store } = await freshStore();
      const first = requestRecord();
      const second = { ...first, payloadHash: 'sha256:other', createdAt: at(5), updatedAt: at(5) };

      // Act
      const created = await store.putNew(first);
      const replayed = await store.putNew(second);

      // Assess
      expect(created).toEqual({ created: true, record: first });
      expect(replayed).toEqual({ created: false, existing: first });
      expect(await store.get(first.requestId)).toEqual(first);
    });

    it('returns records without the key and index attributes', async () => {
      const { store, tableName } = await freshStore();
      const record = requestRecord();
      await store.putNew(record);

      const read = await store.get(record.requestId);
      const item = await rawItem(tableName, record.requestId);

      expect(Object.keys(read ?? {}).sort()).toEqual(Object.keys(record).sort());
      expect(item).toMatchObject({
        pk: { S: `REQUEST#${record.requestId}` },
        sk: { S: 'REQUEST' },
        inflightShard: { S: 'INFLIGHT#0' },
        inflightSince: { S: FIXTURE_TIME },
      });
      expect(item?.expiresAt).toBeUndefined();
    });

    it('answers undefined for a request it never stored', async () => {
      const { store } = await freshStore();

      expect(await store.get('r-missing')).toBeUndefined();
    });
  });

  describe('get', () => {
    it('sends the reads asked for together as one strongly consistent BatchGetItem', async () => {
      // Prepare: a client of its own that records the commands it sends
      const commands: string[] = [];
      const counting = new DynamoDBClient({ ...LOCAL_DYNAMO_CLIENT_CONFIG, endpoint: dynalite.url });
      counting.middlewareStack.add(
        (next, context) => (args) => {
          commands.push(
            `${context.commandName}:${JSON.stringify(args.input).includes('"ConsistentRead":true')}`,
          );
          return next(args);
        },
        { step: 'initialize', name: 'recordCommands' },
      );
      const { tableName } = await freshStore();
      const store = new DynamoRequestStore({ client: counting, tableName });
      const first = requestRecord({ requestId: 'r-first' });
      const second = requestRecord({ requestId: 'r-second' });
      await store.putNew(first);
      await store.putNew(second);
      commands.length = 0;

      // Act: a found, a missing and a repeated id in one turn, then a lone read
      const together = await Promise.all(
        ['r-first', 'r-missing', 'r-second', 'r-first'].map((id) => store.get(id)),
      );
      const alone = await store.get('r-second');
      counting.destroy();

      // Assess
      expect(together).toEqual([first, undefined, second, first]);
      expect(alone).toEqual(second);
      expect(commands).toEqual(['BatchGetItemCommand:true', 'GetItemCommand:true']);
    });

    it('fails each read of a batch that could not be sent, as retryable', async () => {
      const unreachable = unreachableStore();

      const settled = await Promise.allSettled([unreachable.get('r-1'), unreachable.get('r-2')]);

      expect(settled).toHaveLength(2);
      for (const outcome of settled) {
        expect(outcome).toMatchObject({
          status: 'rejected',
          reason: { code: 'STORE_UNAVAILABLE', retryable: true },
        });
      }
    });
  });

  describe('transition', () => {
    it('changes the state, bumps the version, appends history and applies set and remove', async () => {
      // Prepare
      const { store } = await freshStore();
      const record = requestRecord();
      await store.putNew(record);
      const lease = { owner: 'create-1', until: at(15) };

      // Act
      const validated = await store.transition({
        requestId: record.requestId,
        expectedVersion: 1,
        from: 'RECEIVED',
        to: 'VALIDATED',
        actor: 'validate',
        set: { deadline: at(60) },
        note: 'policy ok',
        at: at(1),
      });
      const creating = await store.transition({
        requestId: record.requestId,
        expectedVersion: 2,
        from: 'VALIDATED',
        to: 'CREATING',
        actor: 'create',
        set: { lease },
        at: at(2),
      });
      const submitted = await store.transition({
        requestId: record.requestId,
        expectedVersion: 3,
        from: 'CREATING',
        to: 'SUBMITTED',
        actor: 'create',
        set: {
          creation: {
            attempt: 1,
            startedAt: at(2),
            instanceName: 'rf-abc',
            dealNames: ['20261129100000001'],
            instanceIds: [],
            billId: undefined,
          },
        },
        remove: ['lease'],
        at: at(3),
      });

      // Assess
      expect(validated).toMatchObject({ state: 'VALIDATED', version: 2, updatedAt: at(1), deadline: at(60) });
      expect(creating).toMatchObject({ state: 'CREATING', version: 3, lease });
      expect(submitted.lease).toBeUndefined();
      expect(submitted.creation).toEqual({
        attempt: 1,
        startedAt: at(2),
        instanceName: 'rf-abc',
        dealNames: ['20261129100000001'],
        instanceIds: [],
      });
      expect(submitted.history).toEqual([
        ...record.history,
        { state: 'VALIDATED', at: at(1), note: 'policy ok' },
        { state: 'CREATING', at: at(2) },
        { state: 'SUBMITTED', at: at(3) },
      ]);
      expect(await store.get(record.requestId)).toEqual(submitted);
    });

    it('lets exactly one of two concurrent transitions from the same version win', async () => {
      // Prepare
      const { store } = await freshStore();
      const record = recordIn('VALIDATED');
      await store.putNew(record);
      const take = (owner: string) =>
        store.transition({
          requestId: record.requestId,
          expectedVersion: 1,
          from: 'VALIDATED',
          to: 'CREATING',
          actor: 'create',
          set: { lease: { owner, until: at(15) } },
          at: at(1),
        });

      // Act
      const results = await Promise.allSettled([take('delivery-a'), take('delivery-b')]);

      // Assess
      const won = results.filter((result) => result.status === 'fulfilled');
      const lost = results.filter((result) => result.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      const error = lost[0]?.reason as unknown;
      expect(error).toBeInstanceOf(ConcurrentUpdateError);
      expect((error as ConcurrentUpdateError).cause).toBeInstanceOf(ConditionalCheckFailedException);
      const stored = await store.get(record.requestId);
      expect(stored?.version).toBe(2);
      expect(stored?.history).toHaveLength(2);
      expect(stored?.lease).toEqual(won[0]?.value.lease);
    });

    it('refuses a stale version with ConcurrentUpdateError and leaves the record as it was', async () => {
      const { store } = await freshStore();
      const record = requestRecord();
      await store.putNew(record);
      await store.transition({ ...move(record, 'VALIDATED'), at: at(1) });

      const stale = store.transition({ ...move(record, 'REJECTED'), at: at(2) });

      await expect(stale).rejects.toBeInstanceOf(ConcurrentUpdateError);
      expect((await store.get(record.requestId))?.state).toBe('VALIDATED');
    });

    it('throws IllegalTransitionError before any call to DynamoDB', async () => {
      // Prepare: a store whose endpoint refuses connections would fail any call it made
      const { store } = await freshStore();
      const record = requestRecord();
      await store.putNew(record);
      const unreachable = new DynamoRequestStore({
        client: new DynamoDBClient({ ...LOCAL_DYNAMO_CLIENT_CONFIG, endpoint: 'http://127.0.0.1:9' }),
        tableName: 'requests-unreachable',
      });

      // Act
      const illegal = () => store.transition({ ...move(record, 'READY'), at: at(1) });
      const illegalUnreachable = () => unreachable.transition({ ...move(record, 'READY'), at: at(1) });

      // Assess
      await expect(illegal()).rejects.toBeInstanceOf(IllegalTransitionError);
      await expect(illegalUnreachable()).rejects.toBeInstanceOf(IllegalTransitionError);
      expect(await store.get(record.requestId)).toEqual(record);
    });

    it('refuses to set or remove fields the store owns, before writing', async () => {
      const { store } = await freshStore();
      const record = requestRecord();
      await store.putNew(record);

      const settingTtl = store.transition({ ...move(record, 'VALIDATED'), set: { expiresAt: 1 }, at: at(1) });
      const removingRequest = store.update({
        requestId: record.requestId,
        expectedVersion: 1,
        remove: ['request'],
        at: at(1),
      });

      await expect(settingTtl).rejects.toMatchObject({ code: 'STORE_INVALID_COMMAND' });
      await expect(removingRequest).rejects.toBeInstanceOf(StoreError);
      expect(await store.get(record.requestId)).toEqual(record);
    });
  });

  describe('update', () => {
    it('keeps the state, bumps the version and refuses a stale version', async () => {
      const { store } = await freshStore();
      const record = recordIn('PROVISIONING');
      await store.putNew(record);

      const updated = await store.update({
        requestId: record.requestId,
        expectedVersion: 1,
        set: { instances: [{ instanceId: 'pgro-1a2b3c4d', status: 'init' }] },
        at: at(1),
      });
      const stale = store.update({ requestId: record.requestId, expectedVersion: 1, at: at(2) });

      expect(updated).toMatchObject({ state: 'PROVISIONING', version: 2, updatedAt: at(1) });
      expect(updated.history).toEqual(record.history);
      await expect(stale).rejects.toBeInstanceOf(ConcurrentUpdateError);
    });

    it('is also conditional on the state when the caller gives it', async () => {
      const { store } = await freshStore();
      const record = recordIn('PROVISIONING');
      await store.putNew(record);

      const wrongState = store.update({
        requestId: record.requestId,
        expectedVersion: 1,
        state: 'READY',
        at: at(1),
      });

      await expect(wrongState).rejects.toBeInstanceOf(ConcurrentUpdateError);
    });
  });

  describe('the in-flight index', () => {
    it('holds only records with work left', async () => {
      // Prepare
      const { store } = await freshStore();
      const received = recordIn('RECEIVED');
      const unknown = recordIn('UNKNOWN');
      const readyPending = recordIn('READY', { notification: notification('PENDING') });
      const readyEnqueued = recordIn('READY', { notification: notification('ENQUEUED') });
      const readyDelivered = recordIn('READY', { notification: notification('DELIVERED') });
      const failedUndelivered = recordIn('FAILED', { notification: notification('UNDELIVERED') });
      const rejected = recordIn('REJECTED');

      // Act
      for (const record of [
        received,
        unknown,
        readyPending,
        readyEnqueued,
        readyDelivered,
        failedUndelivered,
        rejected,
      ])
        await store.putNew(record);

      // Assess: a live retry chain (ENQUEUED) is work left — the poller restarts it if it goes silent
      expect(await inFlightIds(store)).toEqual(
        [received, unknown, readyPending, readyEnqueued].map((r) => r.requestId).sort(),
      );
    });

    it('drops a record that becomes terminal with nothing to tell', async () => {
      const { store, tableName } = await freshStore();
      const record = recordIn('VALIDATED');
      await store.putNew(record);

      await store.transition({
        ...move(record, 'FAILED'),
        set: { failure: { code: 'X', message: 'x' } },
        at: at(1),
      });

      expect(await inFlightIds(store)).toEqual([]);
      const item = await rawItem(tableName, record.requestId);
      expect(item?.inflightShard).toBeUndefined();
      expect(item?.inflightSince).toBeUndefined();
    });

    it('keeps a terminal record while its notification is PENDING or ENQUEUED, and drops it once DELIVERED', async () => {
      // Prepare
      const { store } = await freshStore();
      const record = recordIn('PROVISIONING');
      await store.putNew(record);

      // Act
      const ready = await store.transition({
        ...move(record, 'READY'),
        set: { notification: notification('PENDING') },
        at: at(10),
      });
      const whilePending = await inFlightIds(store);
      const pending = ready.notification ?? notification('PENDING');
      const enqueued = await store.update({
        requestId: record.requestId,
        expectedVersion: ready.version,
        set: { notification: { ...pending, status: 'ENQUEUED', enqueuedAt: at(11), chainId: 'chain_1' } },
        at: at(11),
      });
      const whileEnqueued = await inFlightIds(store);
      await store.update({
        requestId: record.requestId,
        expectedVersion: enqueued.version,
        set: { notification: { ...pending, status: 'DELIVERED', deliveredAt: at(12) } },
        at: at(12),
      });

      // Assess
      expect(whilePending).toEqual([record.requestId]);
      expect(whileEnqueued).toEqual([record.requestId]);
      expect(await inFlightIds(store)).toEqual([]);
    });

    it('re-enters the index when an update puts a notification back to PENDING, and leaves it again', async () => {
      const { store } = await freshStore();
      const record = recordIn('READY', { notification: notification('ENQUEUED') });
      await store.putNew(record);

      const pending = await store.update({
        requestId: record.requestId,
        expectedVersion: 1,
        state: 'READY',
        set: { notification: notification('PENDING') },
        at: at(1),
      });
      const whilePending = await inFlightIds(store);
      await store.update({
        requestId: record.requestId,
        expectedVersion: pending.version,
        state: 'READY',
        remove: ['notification'],
        at: at(2),
      });

      expect(whilePending).toEqual([record.requestId]);
      expect(await inFlightIds(store)).toEqual([]);
    });

    it('stays right when an assumption fails: terminal transition over a PENDING notification', async () => {
      // Prepare: a notification already PENDING before the terminal transition (unusual, but possible)
      const { store } = await freshStore();
      const record = recordIn('PROVISIONING', { notification: notification('PENDING') });
      await store.putNew(record);

      // Act: the transition does not mention the notification
      const failed = await store.transition({ ...move(record, 'FAILED'), at: at(1) });

      // Assess: one version step, still in the index because the notification is still to be queued
      expect(failed).toMatchObject({ state: 'FAILED', version: 2 });
      expect(await inFlightIds(store)).toEqual([record.requestId]);
    });

    it('stays right when an assumption fails: terminal transition over an ENQUEUED notification', async () => {
      const { store } = await freshStore();
      const record = recordIn('PROVISIONING', { notification: notification('ENQUEUED') });
      await store.putNew(record);

      const ready = await store.transition({ ...move(record, 'READY'), at: at(1) });

      expect(ready).toMatchObject({ state: 'READY', version: 2 });
      expect(await inFlightIds(store)).toEqual([record.requestId]);
    });

    it('stays right when an assumption fails: notification leaves PENDING on a non-terminal record', async () => {
      const { store } = await freshStore();
      const record = recordIn('PROVISIONING', { notification: notification('PENDING') });
      await store.putNew(record);

      const updated = await store.update({
        requestId: record.requestId,
        expectedVersion: 1,
        set: { notification: notification('ENQUEUED') },
        at: at(1),
      });

      expect(updated.version).toBe(2);
      expect(await inFlightIds(store)).toEqual([record.requestId]);
    });

    it('dates each record from the start of its current phase', async () => {
      const { store, tableName } = await freshStore();
      const record = recordIn('SUBMITTED');
      await store.putNew(record);

      await store.transition({ ...move(record, 'PROVISIONING'), at: at(5) });
      const afterTransition = await rawItem(tableName, record.requestId);
      await store.update({
        requestId: record.requestId,
        expectedVersion: 2,
        state: 'PROVISIONING',
        at: at(6),
      });
      await store.update({
        requestId: record.requestId,
        expectedVersion: 3,
        state: 'PROVISIONING',
        set: { notification: notification('PENDING') },
        at: at(7),
      });
      const afterUpdates = await rawItem(tableName, record.requestId);

      expect(afterTransition?.inflightSince).toEqual({ S: at(5) });
      expect(afterUpdates?.inflightSince).toEqual({ S: at(5) });
    });

    it('reads only the in-flight records, page by page: 25 in flight among 75, 10 a page', async () => {
      for (const inflightShards of [1, 4]) {
        // Prepare
        const { store } = await freshStore({ inflightShards });
        const inFlight = Array.from({ length: 25 }, (_, i) => recordIn('PROVISIONING', { updatedAt: at(i) }));
        const done = Array.from({ length: 50 }, () =>
          recordIn('READY', { notification: notification('DELIVERED') }),
        );
        await putAll(store, [...inFlight, ...done]);

        // Act
        const pages = [];
        let cursor: string | undefined;
        do {
          const page = await store.listInFlight({ limit: 10, ...(cursor ? { cursor } : {}) });
          pages.push(page);
          cursor = page.cursor;
        } while (cursor);

        // Assess
        const ids = pages.flatMap((page) => page.records.map((record) => record.requestId));
        expect(new Set(ids).size).toBe(25);
        expect(ids.sort()).toEqual(inFlight.map((record) => record.requestId).sort());
        expect(pages.reduce((sum, page) => sum + page.itemsRead, 0)).toBe(25);
        expect(pages.every((page) => page.records.length <= 10)).toBe(true);
        expect(pages.length).toBeGreaterThanOrEqual(3);
      }
    }, 60_000); // a bound for a busy machine: 2 × 75 writes to dynalite

    it('refuses a cursor it did not issue', async () => {
      const { store } = await freshStore();

      await expect(store.listInFlight({ cursor: 'not-a-cursor' })).rejects.toMatchObject({
        code: 'STORE_INVALID_CURSOR',
      });
      await expect(
        store.listInFlight({ cursor: Buffer.from('{"shard":7}').toString('base64url') }),
      ).rejects.toBeInstanceOf(StoreError);
    });
  });

  describe('expiry', () => {
    it('sets expiresAt when a record becomes terminal, after the retention window', async () => {
      const { store, tableName } = await freshStore();
      const record = recordIn('VALIDATED');
      await store.putNew(record);

      const creating = await store.transition({ ...move(record, 'CREATING'), at: at(1) });
      const failed = await store.transition({
        requestId: record.requestId,
        expectedVersion: creating.version,
        from: 'CREATING',
        to: 'FAILED',
        actor: 'create',
        at: at(2),
      });

      const expected = Math.floor(Date.parse(at(2)) / 1000) + DEFAULT_RETENTION_SECONDS;
      expect(creating.expiresAt).toBeUndefined();
      expect(failed.expiresAt).toBe(expected);
      expect((await rawItem(tableName, record.requestId))?.expiresAt).toEqual({ N: String(expected) });
    });

    it('never expires a READY record while its replica runs (the fleet view and the budgets read it), stored or moved there', async () => {
      const { store, tableName } = await freshStore();
      const provisioning = recordIn('PROVISIONING');
      await store.putNew(provisioning);
      const stored = recordIn('READY');

      const ready = await store.transition({
        requestId: provisioning.requestId,
        expectedVersion: provisioning.version,
        from: 'PROVISIONING',
        to: 'READY',
        actor: 'poll',
        at: at(1),
      });
      const { record: put } = (await store.putNew(stored)) as { record: RequestRecord };

      expect(ready.expiresAt).toBeUndefined();
      expect(put.expiresAt).toBeUndefined();
      expect((await rawItem(tableName, provisioning.requestId))?.expiresAt).toBeUndefined();
      expect((await rawItem(tableName, stored.requestId))?.expiresAt).toBeUndefined();
    });

    it('sets expiresAt on a record stored terminal, with the configured retention', async () => {
      const { store } = await freshStore({ retentionSeconds: 3600 });
      const suppressed = recordIn('SUPPRESSED', { expiresAt: 1 });

      const { record } = (await store.putNew(suppressed)) as { record: RequestRecord };

      expect(record.expiresAt).toBe(Math.floor(Date.parse(FIXTURE_TIME) / 1000) + 3600);
      expect((await store.get(suppressed.requestId))?.expiresAt).toBe(record.expiresAt);
    });
  });

  describe('locks', () => {
    it('is held by one owner until it expires, re-acquired by its owner, and released only by it', async () => {
      const { store } = await freshStore();
      const now = new Date(FIXTURE_TIME);
      const until = new Date(Date.parse(FIXTURE_TIME) + 60_000);
      const later = new Date(Date.parse(FIXTURE_TIME) + 61_000);

      expect(await store.acquireLock('poller', 'run-1', until, now)).toBe(true);
      expect(await store.acquireLock('poller', 'run-2', until, now)).toBe(false);
      expect(await store.acquireLock('poller', 'run-1', later, now)).toBe(true);
      expect(await store.acquireLock('other-lock', 'run-2', until, now)).toBe(true);

      await store.releaseLock('poller', 'run-2');
      expect(await store.acquireLock('poller', 'run-2', until, now)).toBe(false);

      await store.releaseLock('poller', 'run-1');
      expect(await store.acquireLock('poller', 'run-2', until, now)).toBe(true);
      await store.releaseLock('never-taken', 'run-2');
    });

    it('can be taken by another owner once it has expired', async () => {
      const { store } = await freshStore();
      const now = new Date(FIXTURE_TIME);
      const until = new Date(Date.parse(FIXTURE_TIME) + 60_000);
      const afterExpiry = new Date(Date.parse(FIXTURE_TIME) + 60_001);

      await store.acquireLock('poller', 'run-1', until, now);

      expect(await store.acquireLock('poller', 'run-2', until, until)).toBe(false);
      expect(
        await store.acquireLock('poller', 'run-2', new Date(afterExpiry.getTime() + 60_000), afterExpiry),
      ).toBe(true);
      expect(await store.acquireLock('poller', 'run-1', until, afterExpiry)).toBe(false);
    });
  });

  describe('markers', () => {
    it('is written when absent or expired, and read back with its window', async () => {
      const { store } = await freshStore();
      const now = new Date(FIXTURE_TIME);
      const until = new Date(Date.parse(FIXTURE_TIME) + 300_000);
      const afterCooldown = new Date(until.getTime() + 1);
      const name = 'cooldown#postgres-abcdef';

      expect(await store.getMarker(name)).toBeUndefined();
      expect(await store.putMarker(name, { requestId: 'r-1' }, { ifAbsentOrExpired: true, until, now })).toBe(
        true,
      );
      expect(await store.putMarker(name, { requestId: 'r-2' }, { ifAbsentOrExpired: true, until, now })).toBe(
        false,
      );
      expect(await store.getMarker(name, now)).toEqual({ name, value: { requestId: 'r-1' }, until });
      expect(await store.getMarker(name, afterCooldown)).toBeUndefined();

      const nextUntil = new Date(afterCooldown.getTime() + 300_000);
      const options = { ifAbsentOrExpired: true, until: nextUntil, now: afterCooldown } as const;
      expect(await store.putMarker(name, { requestId: 'r-3' }, options)).toBe(true);
      expect(await store.getMarker(name)).toEqual({ name, value: { requestId: 'r-3' }, until: nextUntil });
    });
  });

  describe('failures', () => {
    it('translates an unreachable endpoint into a retryable StoreError', async () => {
      const unreachable = unreachableStore();

      const read = unreachable.get('r-1');

      await expect(read).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', retryable: true });
      await expect(read).rejects.toHaveProperty('cause');
    });

    it('translates a missing table into STORE_TABLE_NOT_FOUND', async () => {
      const store = new DynamoRequestStore({ client, tableName: 'no-such-table' });

      await expect(store.putNew(requestRecord())).rejects.toMatchObject({
        code: 'STORE_TABLE_NOT_FOUND',
        retryable: false,
      });
    });

    it('refuses invalid options at construction', () => {
      expect(() => new DynamoRequestStore({ client, tableName: '' })).toThrow(ConfigError);
      expect(() => new DynamoRequestStore({ client, tableName: 't1', inflightShards: 0 })).toThrow(
        ConfigError,
      );
    });
  });

  describe('configuration', () => {
    it('finds dynalite through AWS_ENDPOINT_URL_DYNAMODB when no client is injected', async () => {
      const { tableName } = await freshStore();
      vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynalite.url);
      vi.stubEnv('AWS_REGION', 'ap-southeast-1');
      vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
      vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
      try {
        const store = new DynamoRequestStore({ tableName });
        const record = requestRecord();

        await store.putNew(record);

        expect(await store.get(record.requestId)).toEqual(record);
      } finally {
        vi.unstubAllEnvs();
      }
    });
  });
});

describe('ensureTable', () => {
  it('is idempotent and reports that dynalite has no TTL', async () => {
    const tableName = 'ensure-twice';

    const first = await ensureTable(client, tableName);
    const second = await ensureTable(client, tableName);

    expect(first).toEqual({ created: true, ttl: 'unsupported' });
    expect(second).toEqual({ created: false, ttl: 'unsupported' });
  });

  it('refuses an existing table that lacks the in-flight index', async () => {
    await client.send(
      new CreateTableCommand({
        TableName: 'not-ours',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );

    await expect(ensureTable(client, 'not-ours')).rejects.toBeInstanceOf(ConfigError);
  });
});

/** The transition command that moves a version-1 record on. */
function move(record: RequestRecord, to: RequestState) {
  return {
    requestId: record.requestId,
    expectedVersion: 1,
    from: record.state,
    to,
    actor: ownerOf(record.state, to),
  };
}

async function putAll(store: DynamoRequestStore, records: readonly RequestRecord[]) {
  for (let start = 0; start < records.length; start += 50) {
    await Promise.all(records.slice(start, start + 50).map((record) => store.putNew(record)));
  }
}
