import * as z from 'zod';
import { defineAction } from '#emulator/actions/action.ts';
import {
  checkFlag,
  checkGroupName,
  checkRange,
  instanceNotFound,
  startTask,
} from '#emulator/actions/fleet-rules.ts';
import { ApiError } from '#emulator/protocol/api-error.ts';
import { liveGroupsOf } from '#emulator/state/group-lifecycle.ts';
import { newGroupId } from '#emulator/state/ids.ts';

/** Every field of `CreateReadOnlyGroupRequest` in SDK 4.1.313. */
const params = z.strictObject({
  MasterDBInstanceId: z.string(),
  Name: z.string(),
  ProjectId: z.int().optional(),
  VpcId: z.string().optional(),
  SubnetId: z.string().optional(),
  ReplayLagEliminate: z.int().optional(),
  ReplayLatencyEliminate: z.int().optional(),
  MaxReplayLag: z.int().optional(),
  MaxReplayLatency: z.int().optional(),
  MinDelayEliminateReserve: z.int().optional(),
  SecurityGroupIds: z.array(z.string()).optional(),
});

/**
 * CreateReadOnlyGroup: an empty group of a running primary, in the primary's VPC; `creating` while
 * its task runs, then `ok`. No client token: a retried create makes a second group.
 */
export const createReadOnlyGroup = defineAction({
  name: 'CreateReadOnlyGroup',
  params,
  handle(env, call) {
    const p = call.params;
    checkGroupName('Name', p.Name);
    checkFlag('ReplayLagEliminate', p.ReplayLagEliminate);
    checkFlag('ReplayLatencyEliminate', p.ReplayLatencyEliminate);
    checkRange('MaxReplayLag', p.MaxReplayLag, 0, 2_147_483_647);
    checkRange('MaxReplayLatency', p.MaxReplayLatency, 0, 2_147_483_647);
    checkRange('MinDelayEliminateReserve', p.MinDelayEliminateReserve, 0, 100);
    checkRange('ProjectId', p.ProjectId, 0, 2_147_483_647);
    const primary = env.state.primary(p.MasterDBInstanceId);
    if (!primary || primary.region !== call.region) throw instanceNotFound(p.MasterDBInstanceId, call.region);
    if (primary.status !== 'running') {
      throw new ApiError(
        'OperationDenied.InstanceStatusLimitOpError',
        `The primary instance ${primary.id} is \`${primary.status}\`; read-only groups can be added only to a running primary.`,
      );
    }
    if ((p.VpcId ?? '') !== '' && p.VpcId !== primary.vpcId) {
      throw new ApiError(
        'InvalidParameter.VpcNotFoundError',
        `VPC ${p.VpcId} was not found for the primary instance ${primary.id}; read-only groups must use its VPC.`,
      );
    }
    if ((p.SubnetId ?? '') !== '' && p.SubnetId !== primary.subnetId) {
      throw new ApiError(
        'InvalidParameter.VpcNotFoundError',
        `Subnet ${p.SubnetId} was not found in the VPC of the primary instance ${primary.id}.`,
      );
    }
    const { maxReadOnlyGroupsPerPrimary } = env.state.world.limits;
    if (liveGroupsOf(env.state, primary.id, call.now).length >= maxReadOnlyGroupsPerPrimary) {
      throw new ApiError(
        'FailedOperation.ROGroupNumExceedError',
        `The primary instance ${primary.id} already has ${maxReadOnlyGroupsPerPrimary} read-only groups, the maximum.`,
      );
    }
    let id = newGroupId();
    while (env.state.group(id)) id = newGroupId();
    const lagOn = p.ReplayLagEliminate ?? 0;
    const latencyOn = p.ReplayLatencyEliminate ?? 0;
    const taskId = startTask(
      env,
      {
        type: 'CreateReadOnlyGroup',
        instanceId: primary.id,
        region: call.region,
        input: JSON.stringify({ ReadOnlyGroupId: id, Name: p.Name }),
      },
      call.now,
    );
    env.state.saveGroup({
      id,
      name: p.Name,
      primaryId: primary.id,
      createdAt: call.now,
      readyAt: call.now + env.timings.groupTaskMs,
      projectId: p.ProjectId ?? primary.projectId,
      securityGroupIds: p.SecurityGroupIds ? [...p.SecurityGroupIds] : [...primary.securityGroupIds],
      config: {
        replayLagEliminate: lagOn,
        replayLatencyEliminate: latencyOn,
        maxReplayLag: lagOn === 1 ? (p.MaxReplayLag ?? 0) : 0,
        maxReplayLatency: latencyOn === 1 ? (p.MaxReplayLatency ?? 0) : 0,
        minDelayEliminateReserve: p.MinDelayEliminateReserve ?? 0,
        rebalance: 0,
      },
    });
    return { ReadOnlyGroupId: id, FlowId: taskId, TaskId: taskId };
  },
});
