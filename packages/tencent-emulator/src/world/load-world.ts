import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type * as z from 'zod';
import { type World, type WorldInput, worldSchema } from '#emulator/world/world-schema.ts';

export interface WorldIssue {
  /** Dotted path into the world document, e.g. `primaries.0.zone`. */
  readonly path: string;
  readonly message: string;
}

/** A world file or object that cannot be used; the message names every failing field path. */
export class WorldError extends Error {
  readonly issues: readonly WorldIssue[];

  constructor(source: string, issues: readonly WorldIssue[], options?: { cause?: unknown }) {
    super(
      `Invalid emulator world (${source}): ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      options,
    );
    this.name = 'WorldError';
    this.issues = issues;
  }
}

export const DEFAULT_WORLD_PATH = fileURLToPath(new URL('../worlds/default.json', import.meta.url));

/** The world with room for many replicas per primary: the load check, chaos runs and benchmarks use it. */
export const LOAD_TEST_WORLD_PATH = fileURLToPath(new URL('../worlds/load-test.json', import.meta.url));

const pathOf = (path: readonly PropertyKey[]): string =>
  path.length === 0 ? '(root)' : path.map(String).join('.');

const fromZod = (error: z.ZodError): WorldIssue[] =>
  error.issues.map((issue) => ({ path: pathOf(issue.path), message: issue.message }));

/** References zod cannot check: ids unique, every primary / group / capacity entry pointing at something real. */
const crossReferenceIssues = (world: World): WorldIssue[] => {
  const issues: WorldIssue[] = [];
  const zones = new Map<string, { region: string; specs: Set<string> }>();
  world.regions.forEach((region, r) => {
    region.zones.forEach((zone, z) => {
      if (zones.has(zone.zone))
        issues.push({ path: `regions.${r}.zones.${z}.zone`, message: `duplicate zone ${zone.zone}` });
      zones.set(zone.zone, { region: region.region, specs: new Set(zone.specs.map((s) => s.specCode)) });
    });
  });
  const primaryIds = new Set<string>();
  world.primaries.forEach((primary, p) => {
    if (primaryIds.has(primary.id))
      issues.push({ path: `primaries.${p}.id`, message: `duplicate id ${primary.id}` });
    primaryIds.add(primary.id);
    const zone = zones.get(primary.zone);
    if (!zone || zone.region !== primary.region) {
      issues.push({
        path: `primaries.${p}.zone`,
        message: `zone ${primary.zone} is not a zone of region ${primary.region}`,
      });
    } else if (!zone.specs.has(primary.specCode)) {
      issues.push({
        path: `primaries.${p}.specCode`,
        message: `spec ${primary.specCode} is not listed in zone ${primary.zone}`,
      });
    }
    primary.zoneSubnets.forEach((subnet, s) => {
      if (zones.get(subnet.zone)?.region !== primary.region || subnet.zone === primary.zone) {
        issues.push({
          path: `primaries.${p}.zoneSubnets.${s}.zone`,
          message: `zone ${subnet.zone} is not another zone of region ${primary.region}`,
        });
      }
    });
  });
  const groupIds = new Set<string>();
  world.readOnlyGroups.forEach((group, g) => {
    if (groupIds.has(group.id))
      issues.push({ path: `readOnlyGroups.${g}.id`, message: `duplicate id ${group.id}` });
    groupIds.add(group.id);
    if (!primaryIds.has(group.primaryId)) {
      issues.push({
        path: `readOnlyGroups.${g}.primaryId`,
        message: `no primary ${group.primaryId} in this world`,
      });
    }
  });
  world.capacity.forEach((entry, c) => {
    const zone = zones.get(entry.zone);
    if (!zone) issues.push({ path: `capacity.${c}.zone`, message: `no zone ${entry.zone} in this world` });
    else if (!zone.specs.has(entry.specCode)) {
      issues.push({
        path: `capacity.${c}.specCode`,
        message: `spec ${entry.specCode} is not listed in zone ${entry.zone}`,
      });
    }
  });
  return issues;
};

/** Validates a world object (defaults filled in), throwing `WorldError` with field paths. */
export const parseWorld = (input: unknown, source = 'world object'): World => {
  const result = worldSchema.safeParse(input);
  if (!result.success) throw new WorldError(source, fromZod(result.error));
  const issues = crossReferenceIssues(result.data);
  if (issues.length > 0) throw new WorldError(source, issues);
  return result.data;
};

/** Reads and validates a world JSON file. */
export const readWorldFile = (path: string): World => {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new WorldError(path, [{ path: '(file)', message: `cannot read: ${(error as Error).message}` }], {
      cause: error,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new WorldError(path, [{ path: '(file)', message: `not valid JSON: ${(error as Error).message}` }], {
      cause: error,
    });
  }
  return parseWorld(json, path);
};

/** A world from a file path, an object, or (when omitted) `worlds/default.json`. */
export const loadWorld = (world: World | WorldInput | string | undefined): World =>
  world === undefined
    ? readWorldFile(DEFAULT_WORLD_PATH)
    : typeof world === 'string'
      ? readWorldFile(world)
      : parseWorld(world);
