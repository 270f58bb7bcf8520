import * as z from 'zod';
import { defineAction } from '#emulator/actions/action.ts';
import { replicaAndItsPrimarysGroup, startTask } from '#emulator/actions/fleet-rules.ts';
import { ApiError } from '#emulator/protocol/api-error.ts';
import { groupChangePending, groupOf } from '#emulator/state/lifecycle.ts';

const params = z.strictObject({ DBInstanceId: z.string(), ReadOnlyGroupId: z.string() });

/**
 * RemoveDBInstanceFromReadOnlyGroup: a member leaves its group (then serves only through its own
 * address). The leave is a task: the replica is still a member until it ends.
 */
export const removeDBInstanceFromReadOnlyGroup = defineAction({
  name: 'RemoveDBInstanceFromReadOnlyGroup',
  params,
  handle(env, call) {
    const p = call.params;
    const { replica, group, status } = replicaAndItsPrimarysGroup(env, p, call.region, call.now);
    if (status === 'deleting' || status === 'creating') {
      throw new ApiError(
        'OperationDenied.ROGroupStatusError',
        `The read-only group ${group.id} is \`${status}\`.`,
      );
    }
    if (groupChangePending(replica, call.now)) {
      throw new ApiError(
        'ResourceUnavailable.InvalidInstanceStatus',
        `The read-only instance ${replica.id} is already joining or leaving a read-only group.`,
      );
    }
    if (groupOf(replica, call.now) !== group.id) {
      throw new ApiError(
        'ResourceNotFound.InstanceNotFoundError',
        `The read-only instance ${replica.id} is not in the read-only group ${group.id}.`,
      );
    }
    const taskId = startTask(
      env,
      {
        type: 'RemoveDBInstanceFromReadOnlyGroup',
        instanceId: replica.id,
        region: call.region,
        input: JSON.stringify({ DBInstanceId: replica.id, ReadOnlyGroupId: group.id }),
      },
      call.now,
    );
    env.state.updateReplica(replica.id, {
      readOnlyGroupId: '',
      groupChange: { from: group.id, at: call.now + env.timings.groupTaskMs },
    });
    return { FlowId: taskId, TaskId: taskId };
  },
});
