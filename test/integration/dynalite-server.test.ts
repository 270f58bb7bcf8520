import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DescribeTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type DynaliteServer,
  LOCAL_DYNAMO_CLIENT_CONFIG,
  startDynalite,
} from '#local/stack/dynalite-server.ts';
import { DynamoRequestStore } from '#shared/adapters/store/dynamo-request-store.ts';
import { TABLE } from '#shared/adapters/store/table-definition.ts';
import { ConfigError } from '#shared/errors.ts';
import { FIXTURE_TIME, requestRecord } from '#test/fixtures/request-records.ts';

const tableName = 'replica-flow-requests';

type StoredValue = Record<string, { S?: string; N?: string }>;

/** dynalite's own LevelDB class, to reach into a data folder no dynalite has open. */
const { Level } = createRequire(createRequire(import.meta.url).resolve('dynalite'))('level') as {
  Level: new (
    path: string,
    options: { valueEncoding: 'json' },
  ) => {
    iterator(range: { gte: string; lt: string }): AsyncIterable<[string, StoredValue]>;
    put(key: string, value: StoredValue): Promise<void>;
    del(key: string): Promise<void>;
    close(): Promise<void>;
  };
};

/** The LevelDB key (and value) of `requestId`'s item, or of its entry in the in-flight index. */
const storedEntry = async (
  db: InstanceType<typeof Level>,
  where: 'item' | 'index',
  requestId: string,
): Promise<[string, StoredValue]> => {
  const prefix =
    where === 'item' ? `item-${tableName}~` : `index-global~${tableName}~${TABLE.inflightIndex.name}~`;
  for await (const [key, value] of db.iterator({ gte: prefix, lt: `${prefix}\xff` })) {
    if (value.pk?.S === `REQUEST#${requestId}`) return [key, value];
  }
  throw new Error(`no ${where} entry for ${requestId}`);
};
const clients: DynamoDBClient[] = [];
const servers: DynaliteServer[] = [];
let dataDir: string;

const clientFor = (server: DynaliteServer) => {
  const client = new DynamoDBClient({ ...LOCAL_DYNAMO_CLIENT_CONFIG, endpoint: server.url });
  clients.push(client);
  return client;
};

const start = async (options: Parameters<typeof startDynalite>[0]) => {
  const server = await startDynalite(options);
  servers.push(server);
  return server;
};

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'replica-flow-dynalite-'));
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await Promise.all(servers.splice(0).map((server) => server.close().catch(() => undefined)));
  await rm(dataDir, { recursive: true, force: true });
});

describe('startDynalite', () => {
  it('listens on a random local port and creates the table with its in-flight and spend indexes', async () => {
    // Act
    const first = await start({ tableName });
    const second = await start({ port: 0 });

    // Assess
    expect(first.url).toBe(`http://127.0.0.1:${first.port}`);
    expect(first.port).toBeGreaterThan(0);
    expect(second.port).not.toBe(first.port);
    const { Table } = await clientFor(first).send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual([
      TABLE.inflightIndex.name,
      TABLE.spendIndex.name,
    ]);
    expect((await clientFor(second).send(new ListTablesCommand({}))).TableNames).toEqual([]);
  });

  it('keeps the data across a restart on the same data folder', async () => {
    // Prepare
    const before = await start({ dataDir, tableName });
    const beforeStore = new DynamoRequestStore({ client: clientFor(before), tableName });
    await beforeStore.putNew(requestRecord());
    const { requestId } = (await beforeStore.listInFlight()).records[0] as { requestId: string };
    // an UpdateItem too: dynalite writes its index entries from a copy of the old item
    const record = await beforeStore.update({
      requestId,
      expectedVersion: 1,
      state: 'RECEIVED',
      set: { stuck: { queue: 'requests', reason: 'test', messageId: 'm-1', since: FIXTURE_TIME } },
      at: FIXTURE_TIME,
    });

    // Act: close with a kept-alive client connection still open, then restart on the same folder
    await before.close();
    const after = await start({ dataDir, tableName });

    // Assess
    const store = new DynamoRequestStore({ client: clientFor(after), tableName });
    expect(after.indexRepair).toEqual({ written: 0, removed: 0 });
    expect(await store.get(record.requestId)).toEqual(record);
    expect((await store.listInFlight()).records.map((stored) => stored.requestId)).toEqual([
      record.requestId,
    ]);
  });

  it('re-derives index entries that a killed write left disagreeing with their items before serving', async () => {
    // Prepare: three in-flight records, then the three states a kill between dynalite's index
    // write and its item write leaves (it writes the index first, the item after).
    const before = await start({ dataDir, tableName });
    const beforeStore = new DynamoRequestStore({ client: clientFor(before), tableName });
    const [ahead, unindexed, unwritten] = [requestRecord(), requestRecord(), requestRecord()];
    for (const record of [ahead, unindexed, unwritten]) await beforeStore.putNew(record);
    await before.close();
    const db = new Level(dataDir, { valueEncoding: 'json' });
    // the index holds a newer copy than the item (the issue: item v4, index entry v5)
    const [aheadKey, aheadValue] = await storedEntry(db, 'index', ahead.requestId);
    await db.put(aheadKey, { ...aheadValue, version: { N: String(ahead.version + 1) } });
    // the item is in flight but its index entry is gone (old entry deleted, new one not yet put)
    await db.del((await storedEntry(db, 'index', unindexed.requestId))[0]);
    // the index entry of an item that was never written
    await db.del((await storedEntry(db, 'item', unwritten.requestId))[0]);
    await db.close();

    // Act
    const after = await start({ dataDir, tableName });

    // Assess: the index says exactly what the items say
    const store = new DynamoRequestStore({ client: clientFor(after), tableName });
    const inFlight = (await store.listInFlight()).records;
    expect(after.indexRepair).toEqual({ written: 2, removed: 1 });
    expect(inFlight.map((record) => record.requestId).sort()).toEqual(
      [ahead.requestId, unindexed.requestId].sort(),
    );
    for (const record of inFlight) expect(record).toEqual(await store.get(record.requestId));
    expect(inFlight.find((record) => record.requestId === ahead.requestId)?.version).toBe(ahead.version);
    expect(await store.get(unwritten.requestId)).toBeUndefined();
  });

  it('serves an in-flight index equal to the items after its process is killed mid-update', async () => {
    // Prepare: dynalite in a child process, 30 in-flight records, 8 writers updating them
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `const { startDynalite } = await import('#local/stack/dynalite-server.ts');
         const server = await startDynalite({ dataDir: process.argv[1], tableName: ${JSON.stringify(tableName)} });
         process.stdout.write(JSON.stringify({ dynamoUrl: server.url }) + '\\n');`,
        dataDir,
      ],
      { env: { ...process.env, LOG_LEVEL: 'WARN' }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      const url = await announcedDynamoUrl(child);
      const client = new DynamoDBClient({ ...LOCAL_DYNAMO_CLIENT_CONFIG, endpoint: url, maxAttempts: 1 });
      clients.push(client);
      const childStore = new DynamoRequestStore({ client, tableName });
      const records = Array.from({ length: 30 }, () => requestRecord());
      for (const record of records) await childStore.putNew(record);
      let updates = 0;
      let enough: () => void = () => undefined;
      const killPoint = new Promise<void>((resolve) => {
        enough = resolve;
      });
      const writer = async (mine: typeof records) => {
        const versions = new Map(mine.map((record) => [record.requestId, record.version]));
        for (let round = 0; ; round += 1) {
          for (const record of mine) {
            try {
              const updated = await childStore.update({
                requestId: record.requestId,
                expectedVersion: versions.get(record.requestId) ?? 1,
                state: 'RECEIVED',
                set: {
                  stuck: { queue: 'requests', reason: `round ${round}`, messageId: 'm', since: FIXTURE_TIME },
                },
                at: FIXTURE_TIME,
              });
              versions.set(record.requestId, updated.version);
            } catch {
              return; // the process is gone
            }
            updates += 1;
            if (updates >= 300) enough();
          }
        }
      };
      const writers = Promise.all(
        Array.from({ length: 8 }, (_, i) => writer(records.filter((_, index) => index % 8 === i))),
      );

      // Act: kill -9 while updates are in flight, then start again on the same folder
      await killPoint;
      child.kill('SIGKILL');
      await exited;
      await writers;
      const after = await start({ dataDir, tableName });

      // Assess: every in-flight record is listed, each exactly as its item reads
      const store = new DynamoRequestStore({ client: clientFor(after), tableName });
      const listed = (await store.listInFlight()).records;
      expect(listed.map((record) => record.requestId).sort()).toEqual(
        records.map((record) => record.requestId).sort(),
      );
      for (const record of listed) expect(record).toEqual(await store.get(record.requestId));
    } finally {
      child.kill('SIGKILL');
    }
  }, 90_000);

  it('restarts on the same port after closing', async () => {
    const before = await start({ dataDir, tableName });
    await before.close();

    const after = await start({ port: before.port, dataDir, tableName });

    expect(after.port).toBe(before.port);
    expect(
      (await clientFor(after).send(new DescribeTableCommand({ TableName: tableName }))).Table?.TableStatus,
    ).toBe('ACTIVE');
  });

  it('forgets everything on restart when no data folder is given', async () => {
    const before = await start({ tableName });
    await new DynamoRequestStore({ client: clientFor(before), tableName }).putNew(requestRecord());
    await before.close();

    const after = await start({ tableName });

    expect(
      (await new DynamoRequestStore({ client: clientFor(after), tableName }).listInFlight()).records,
    ).toEqual([]);
  });

  it('refuses a data folder another running dynalite holds', async () => {
    await start({ dataDir, tableName });

    await expect(start({ dataDir, tableName })).rejects.toBeInstanceOf(ConfigError);
  });
});

/** The line `{"dynamoUrl": …}` the child process prints once dynalite listens. */
const announcedDynamoUrl = (child: ReturnType<typeof spawn>): Promise<string> =>
  new Promise((resolve, reject) => {
    if (!child.stdout) throw new Error('no stdout');
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (!line.startsWith('{"dynamoUrl"')) return;
      resolve((JSON.parse(line) as { dynamoUrl: string }).dynamoUrl);
      lines.close();
    });
    child.once('exit', (code) => reject(new Error(`dynalite process exited early (${code})`)));
  });
