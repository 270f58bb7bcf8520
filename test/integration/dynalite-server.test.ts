import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
import { requestRecord } from '#test/fixtures/request-records.ts';

const tableName = 'replica-flow-requests';
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
  it('listens on a random local port and creates the table with its in-flight index', async () => {
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
    ]);
    expect((await clientFor(second).send(new ListTablesCommand({}))).TableNames).toEqual([]);
  });

  it('keeps the data across a restart on the same data folder', async () => {
    // Prepare
    const before = await start({ dataDir, tableName });
    const record = requestRecord();
    await new DynamoRequestStore({ client: clientFor(before), tableName }).putNew(record);

    // Act: close with a kept-alive client connection still open, then restart on the same folder
    await before.close();
    const after = await start({ dataDir, tableName });

    // Assess
    const store = new DynamoRequestStore({ client: clientFor(after), tableName });
    expect(await store.get(record.requestId)).toEqual(record);
    expect((await store.listInFlight()).records.map((stored) => stored.requestId)).toEqual([
      record.requestId,
    ]);
  });

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
