import * as z from 'zod';
import { defineAction } from '#emulator/actions/action.ts';
import { checkFlag, checkGroupName, checkRange, findGroup } from '#emulator/actions/fleet-rules.ts';
import { ApiError } from '#emulator/protocol/api-error.ts';
import { DEFAULT_GROUP_CONFIG } from '#emulator/state/group-lifecycle.ts';

/** Every field of `ModifyReadOnlyGroupConfigRequest` in SDK 4.1.313. */
const params = z.strictObject({
  ReadOnlyGroupId: z.string(),
  ReadOnlyGroupName: z.string().optional(),
  ReplayLagEliminate: z.int().optional(),
  ReplayLatencyEliminate: z.int().optional(),
  MaxReplayLatency: z.int().optional(),
  MaxReplayLag: z.int().optional(),
  Rebalance: z.int().optional(),
  MinDelayEliminateReserve: z.int().optional(),
});

/**
 * ModifyReadOnlyGroupConfig: name and replication-delay settings of an `ok` group. The new values
 * show at once; the group is `modifying` for `groupTaskMs` (the answer carries no task id).
 */
export const modifyReadOnlyGroupConfig = defineAction({
  name: 'ModifyReadOnlyGroupConfig',
  params,
  handle(env, call) {
    const p = call.params;
    if (p.ReadOnlyGroupName !== undefined) checkGroupName('ReadOnlyGroupName', p.ReadOnlyGroupName);
    checkFlag('ReplayLagEliminate', p.ReplayLagEliminate);
    checkFlag('ReplayLatencyEliminate', p.ReplayLatencyEliminate);
    checkFlag('Rebalance', p.Rebalance);
    checkRange('MaxReplayLag', p.MaxReplayLag, 0, 2_147_483_647);
    checkRange('MaxReplayLatency', p.MaxReplayLatency, 0, 2_147_483_647);
    checkRange('MinDelayEliminateReserve', p.MinDelayEliminateReserve, 0, 100);
    const { group, status } = findGroup(env, p.ReadOnlyGroupId, call.region, call.now);
    if (status !== 'ok') {
      throw new ApiError(
        'OperationDenied.InstanceStatusLimitOpError',
        `The read-only group ${group.id} is \`${status}\`; only an \`ok\` group can be modified.`,
      );
    }
    const old = group.config ?? DEFAULT_GROUP_CONFIG;
    env.state.saveGroup({
      ...group,
      name: p.ReadOnlyGroupName ?? group.name,
      config: {
        replayLagEliminate: p.ReplayLagEliminate ?? old.replayLagEliminate,
        replayLatencyEliminate: p.ReplayLatencyEliminate ?? old.replayLatencyEliminate,
        maxReplayLag: p.MaxReplayLag ?? old.maxReplayLag,
        maxReplayLatency: p.MaxReplayLatency ?? old.maxReplayLatency,
        minDelayEliminateReserve: p.MinDelayEliminateReserve ?? old.minDelayEliminateReserve,
        rebalance: p.Rebalance ?? old.rebalance,
      },
      modifyingUntil: call.now + env.timings.groupTaskMs,
    });
    return {};
  },
});
