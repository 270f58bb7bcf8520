import * as z from 'zod';
import { defineAction } from '#emulator/actions/action.ts';
import { replicaAndItsPrimarysGroup, startTask } from '#emulator/actions/fleet-rules.ts';
import { ApiError } from '#emulator/protocol/api-error.ts';
import { groupChangePending, groupOf, replicaStatus } from '#emulator/state/lifecycle.ts';

const params = z.strictObject({ DBInstanceId: z.string(), ReadOnlyGroupId: z.string() });

/**
 * AddDBInstanceToReadOnlyGroup: a running replica outside any group joins a group of its own
 * primary. The join is a task: the replica is a member once it ends (the group is `modifying` meanwhile).
 */
export const addDBInstanceToReadOnlyGroup = defineAction({
  name: 'AddDBInstanceToReadOnlyGroup',
  params,
  handle(env, call) {
    const p = call.params;
    const { replica, group, status } = replicaAndItsPrimarysGroup(env, p, call.region, call.now);
    if (status === 'deleting') {
      throw new ApiError(
        'OperationDenied.ROGroupStatusError',
        `The read-only group ${group.id} is being deleted.`,
      );
    }
    const instanceStatus = replicaStatus(replica, call.now);
    if (instanceStatus !== 'running') {
      throw new ApiError(
        'ResourceUnavailable.InvalidInstanceStatus',
        `The read-only instance ${replica.id} is \`${instanceStatus}\`; only a running instance can join a read-only group.`,
      );
    }
    if (groupChangePending(replica, call.now)) {
      throw new ApiError(
        'OperationDenied.ROInstanceStatusLimitOpError',
        `The read-only instance ${replica.id} is already joining or leaving a read-only group.`,
      );
    }
    const current = groupOf(replica, call.now);
    if (current !== '') {
      throw new ApiError(
        'FailedOperation.ROInstanceHasInROGroupError',
        `The read-only instance ${replica.id} is already in the read-only group ${current}.`,
      );
    }
    const taskId = startTask(
      env,
      {
        type: 'AddDBInstanceToReadOnlyGroup',
        instanceId: replica.id,
        region: call.region,
        input: JSON.stringify({ DBInstanceId: replica.id, ReadOnlyGroupId: group.id }),
      },
      call.now,
    );
    env.state.updateReplica(replica.id, {
      readOnlyGroupId: group.id,
      groupChange: { from: '', at: call.now + env.timings.groupTaskMs },
    });
    return { FlowId: taskId, TaskId: taskId };
  },
});
