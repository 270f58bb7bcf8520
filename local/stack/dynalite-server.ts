import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type IndexRepair,
  type RepairableLevel,
  repairDynaliteIndexes,
} from '#local/stack/dynalite-index-repair.ts';
import { ensureTable } from '#shared/adapters/store/table-definition.ts';
import { ConfigError } from '#shared/errors.ts';
import { logger } from '#shared/logger.ts';

/** dynalite ships no types; this is the part of its factory we use. */
type DynaliteFactory = (options: {
  path?: string;
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}) => Server;

/** The LevelDB class dynalite itself uses (its `level` dependency), to check a data folder first. */
type LevelFactory = new (
  path: string,
  options: { valueEncoding: 'json' },
) => RepairableLevel & { open(): Promise<void>; close(): Promise<void> };

const require = createRequire(import.meta.url);
const dynalite = require('dynalite') as DynaliteFactory;
const { Level } = createRequire(require.resolve('dynalite'))('level') as { Level: LevelFactory };

export interface DynaliteOptions {
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  readonly host?: '127.0.0.1';
  /** LevelDB folder that persists the data across restarts; omitted = in memory. */
  readonly dataDir?: string;
  /** Table to create (with its index) once the server listens; omitted = none. */
  readonly tableName?: string;
}

export interface DynaliteServer {
  /** Endpoint for `AWS_ENDPOINT_URL_DYNAMODB` or a client's `endpoint`. */
  readonly url: string;
  readonly port: number;
  /** What the start-up check rewrote in the secondary indexes (nothing for a consistent folder). */
  readonly indexRepair: IndexRepair;
  /** Stops accepting requests, drops open connections and closes LevelDB (releasing its lock). */
  close(): Promise<void>;
}

/** Credentials and region dynalite accepts (it checks neither); for local clients and tests. */
export const LOCAL_DYNAMO_CLIENT_CONFIG = {
  region: 'ap-southeast-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const;

/**
 * Checks a data folder before dynalite serves it. dynalite opens LevelDB lazily: on a folder another
 * dynalite holds, its first request throws an uncaught "Database is closed" and is never answered,
 * so the lock is probed here to fail clearly. And a process killed mid-write can leave an index entry
 * that disagrees with its item, so the indexes are re-derived from the items
 * (`dynalite-index-repair.ts`).
 */
const prepareDataDir = async (dataDir: string): Promise<IndexRepair> => {
  await mkdir(dataDir, { recursive: true });
  const db = new Level(dataDir, { valueEncoding: 'json' });
  try {
    await db.open();
  } catch (error) {
    throw new ConfigError(
      `dynalite data folder ${dataDir} is in use (another dynalite holds its LevelDB lock)`,
      {
        cause: error,
      },
    );
  }
  try {
    const repair = await repairDynaliteIndexes(db);
    if (repair.written + repair.removed > 0) {
      logger.warn('Repaired dynalite index entries that disagreed with their items', { dataDir, ...repair });
    }
    return repair;
  } finally {
    await db.close();
  }
};

/** Starts dynalite (DynamoDB's wire API on LevelDB) and ensures the replica-flow table exists. */
export const startDynalite = async (options: DynaliteOptions = {}): Promise<DynaliteServer> => {
  const host = options.host ?? '127.0.0.1';
  const indexRepair =
    options.dataDir === undefined ? { written: 0, removed: 0 } : await prepareDataDir(options.dataDir);
  const server = dynalite({
    ...(options.dataDir === undefined ? {} : { path: options.dataDir }),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host}:${port}`;
  const close = () =>
    new Promise<void>((resolve, reject) => {
      // dynalite's close waits for the HTTP server, then closes LevelDB; SDK clients keep
      // connections alive, so end them or the close (and the LevelDB lock) would wait for them.
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });

  if (options.tableName !== undefined) {
    const client = new DynamoDBClient({ ...LOCAL_DYNAMO_CLIENT_CONFIG, endpoint: url });
    try {
      await ensureTable(client, options.tableName);
    } catch (error) {
      await close().catch(() => undefined);
      throw error;
    } finally {
      client.destroy();
    }
  }
  return { url, port, indexRepair, close };
};
