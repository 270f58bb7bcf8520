import { DEFAULT_WORLD_PATH, readWorldFile } from '#emulator/world/load-world.ts';
import type { World } from '#emulator/world/world-schema.ts';

/** The default world, deep-copied and changed by `change` (a world of the test's own). */
export const defaultWorldWith = (change: (world: World) => void): World => {
  const world = structuredClone(readWorldFile(DEFAULT_WORLD_PATH));
  change(world);
  return world;
};
