import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '#emulator/server.ts';
import { DEFAULT_WORLD_PATH, parseWorld, readWorldFile, WorldError } from '#emulator/world/load-world.ts';
import { sdkClient } from '#emulator-test/support/emulator-fixture.ts';
import { defaultWorldWith } from '#emulator-test/support/worlds.ts';

const issuesOf = (run: () => unknown): string[] => {
  try {
    run();
  } catch (error) {
    if (error instanceof WorldError) return error.issues.map((i) => i.path);
    throw error;
  }
  throw new Error('expected a WorldError');
};

describe('world files', () => {
  it('ships a default world with the seed primary exactly as the seed page describes it', () => {
    const world = readWorldFile(DEFAULT_WORLD_PATH);
    const seed = world.primaries.find((p) => p.id === 'postgres-abcdef');
    const zone = world.regions.flatMap((r) => r.zones).find((z) => z.zone === 'ap-beijing-4');
    const spec = zone?.specs.find((s) => s.specCode === 'pg.it.small2');

    expect(seed).toMatchObject({
      region: 'ap-beijing',
      zone: 'ap-beijing-4',
      chargeType: 'POSTPAID_BY_HOUR',
      status: 'running',
      version: '12.22',
      vpcId: 'vpc-8btfafeo',
      subnetId: 'subnet-1i9huswn',
      securityGroupIds: ['sg-iwnfp51z'],
    });
    expect(spec?.onSale).toBe(true);
    expect((spec?.minStorage ?? Infinity) <= 100 && 100 <= (spec?.maxStorage ?? 0)).toBe(true);
  });

  it('has primaries in other regions, a prepaid one, one not running and a read-only group', () => {
    const world = readWorldFile(DEFAULT_WORLD_PATH);

    expect(new Set(world.primaries.map((p) => p.region))).toEqual(
      new Set(['ap-beijing', 'ap-guangzhou', 'ap-shanghai', 'ap-singapore']),
    );
    expect(world.primaries.some((p) => p.chargeType === 'PREPAID')).toBe(true);
    expect(world.primaries.some((p) => p.status !== 'running')).toBe(true);
    expect(world.readOnlyGroups).toHaveLength(1);
  });

  it('reports the field path of a schema error', () => {
    const paths = issuesOf(() =>
      parseWorld(
        defaultWorldWith((w) => {
          (w.primaries[0] as { chargeType: string }).chargeType = 'FREE';
          (w.regions[0]?.zones[0]?.specs[0] as { cpu: unknown }).cpu = 'two';
        }),
      ),
    );

    expect(paths).toEqual(
      expect.arrayContaining(['primaries.0.chargeType', 'regions.0.zones.0.specs.0.cpu']),
    );
  });

  it('reports references to zones, specs and primaries that do not exist', () => {
    const paths = issuesOf(() =>
      parseWorld(
        defaultWorldWith((w) => {
          if (w.primaries[1]) w.primaries[1].zone = 'ap-guangzhou-3';
          if (w.readOnlyGroups[0]) w.readOnlyGroups[0].primaryId = 'postgres-ghost';
          w.capacity.push({ zone: 'ap-beijing-4', specCode: 'pg.it.nothing', remaining: 1 });
        }),
      ),
    );

    expect(paths).toEqual(['primaries.1.zone', 'readOnlyGroups.0.primaryId', 'capacity.1.specCode']);
  });

  it('names the file when it is not JSON', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'world-'));
    const file = join(dir, 'broken.json');
    await writeFile(file, '{ "regions": ');
    try {
      expect(() => readWorldFile(file)).toThrow(`Invalid emulator world (${file}): (file): not valid JSON`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('starts from a world file path given to startEmulator', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'world-'));
    const file = join(dir, 'tiny.json');
    await writeFile(
      file,
      JSON.stringify({
        regions: [
          {
            region: 'ap-tokyo',
            zones: [{ zone: 'ap-tokyo-1', zoneName: 'Tokyo 1', zoneId: 250001, specs: [] }],
          },
        ],
      }),
    );
    const emulator = await startEmulator({ world: file });
    try {
      const zones = await sdkClient(emulator, { region: 'ap-tokyo' }).DescribeZones({});

      expect(zones.ZoneSet?.map((z) => z.Zone)).toEqual(['ap-tokyo-1']);
      expect(emulator.world.limits.maxReadOnlyPerPrimary).toBe(10);
    } finally {
      await emulator.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
