import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator } from '#emulator/server.ts';
import { STATE_FILE_NAME } from '#emulator/state/state-file.ts';
import { INSTANT_TIMINGS, sdkClient, seedCreateRequest } from '#emulator-test/support/emulator-fixture.ts';

let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tencent-emulator-'));
});

afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('persistence (--data-dir)', () => {
  it('keeps created replicas, their orders and groups across a restart', async () => {
    const first = await startEmulator({ dataDir, timings: INSTANT_TIMINGS });
    const created = await sdkClient(first).CreateReadOnlyDBInstance(seedCreateRequest({ Name: 'survivor' }));
    const before = first.instances();
    await first.close();

    const second = await startEmulator({ dataDir });
    try {
      const client = sdkClient(second);
      const attribute = await client.DescribeDBInstanceAttribute({
        DBInstanceId: created.DBInstanceIdSet?.[0] ?? '',
      });
      const orders = await client.DescribeOrders({ DealNames: created.DealNames ?? [] });
      const groups = await client.DescribeReadOnlyGroups({
        Filters: [{ Name: 'db-master-instance-id', Values: ['postgres-abcdef'] }],
      });

      expect(second.instances()).toEqual(before);
      expect(attribute.DBInstance).toMatchObject({ DBInstanceName: 'survivor', DBInstanceStatus: 'running' });
      expect(orders.Deals?.[0]?.DBInstanceIdSet).toEqual(created.DBInstanceIdSet);
      expect(groups.ReadOnlyGroupList?.[0]?.ReadOnlyDBInstanceList).toHaveLength(1);
    } finally {
      await second.close();
    }
  });

  it('writes the state file atomically, leaving no temporary file behind', async () => {
    const emulator = await startEmulator({ dataDir });
    await sdkClient(emulator).CreateReadOnlyDBInstance(seedCreateRequest());
    await emulator.flush();

    const files = await readdir(dataDir);
    const saved = JSON.parse(await readFile(join(dataDir, STATE_FILE_NAME), 'utf8')) as {
      replicas: unknown[];
    };
    await emulator.close();

    expect(files).toEqual([STATE_FILE_NAME]);
    expect(saved.replicas).toHaveLength(1);
  });

  it('saves a reset too, so a restart after reset starts empty', async () => {
    const first = await startEmulator({ dataDir });
    await sdkClient(first).CreateReadOnlyDBInstance(seedCreateRequest());
    first.reset();
    await first.close();

    const second = await startEmulator({ dataDir });
    const instances = second.instances();
    await second.close();

    expect(instances).toEqual([]);
  });

  it('refuses to start on a corrupt state file instead of silently dropping it', async () => {
    await writeFile(join(dataDir, STATE_FILE_NAME), JSON.stringify({ format: 'something-else' }));

    await expect(startEmulator({ dataDir })).rejects.toThrow(/not valid: format/);
  });
});
