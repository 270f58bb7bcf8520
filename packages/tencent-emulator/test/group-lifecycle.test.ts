import { describe, expect, it, vi } from 'vitest';
import { EmulatorState } from '#emulator/state/emulator-state.ts';
import { groupStatus, liveGroupsOf } from '#emulator/state/group-lifecycle.ts';
import { DEFAULT_WORLD_PATH, readWorldFile } from '#emulator/world/load-world.ts';

const PRIMARY = 'postgres-abcdef';
const NOW = 1_000_000;

/** The default world plus three groups of the seed primary: one live, one being deleted, one deleted. */
const stateWithGroups = (): EmulatorState => {
  const state = new EmulatorState(readWorldFile(DEFAULT_WORLD_PATH));
  const group = (id: string, deletion?: { requestedAt: number; deletedAt: number }) =>
    state.saveGroup({ id, name: id, primaryId: PRIMARY, createdAt: 0, ...(deletion ? { deletion } : {}) });
  group('pgrogrp-live');
  group('pgrogrp-deleting', { requestedAt: NOW - 10, deletedAt: NOW + 10 });
  group('pgrogrp-deleted', { requestedAt: NOW - 20, deletedAt: NOW - 10 });
  return state;
};

describe('liveGroupsOf', () => {
  it('keeps a group until its deletion ends, as groupStatus says', () => {
    const state = stateWithGroups();
    const live = liveGroupsOf(state, PRIMARY, NOW).map((group) => group.id);
    expect(live).toContain('pgrogrp-live');
    expect(live).toContain('pgrogrp-deleting');
    expect(live).not.toContain('pgrogrp-deleted');
    for (const group of state.groupsOf(PRIMARY)) {
      expect(live.includes(group.id)).toBe(groupStatus(state, group, NOW) !== 'deleted');
    }
  });

  it("decides without reading the primary's replicas (every create asks it, once per group it made)", () => {
    const state = stateWithGroups();
    const replicasOf = vi.spyOn(state, 'replicasOf');
    expect(liveGroupsOf(state, PRIMARY, NOW).length).toBeGreaterThan(0);
    expect(replicasOf).not.toHaveBeenCalled();
  });
});
