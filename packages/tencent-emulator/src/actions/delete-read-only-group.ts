import * as z from 'zod';
import { defineAction } from '#emulator/actions/action.ts';
import { findGroup, startTask } from '#emulator/actions/fleet-rules.ts';
import { ApiError } from '#emulator/protocol/api-error.ts';
import { groupOf, type ReplicaStatus, replicaStatus } from '#emulator/state/lifecycle.ts';

const params = z.strictObject({ ReadOnlyGroupId: z.string() });

const GONE: ReadonlySet<ReplicaStatus> = new Set(['isolated', 'offlining', 'offline']);

/**
 * DeleteReadOnlyGroup: only a group without members (none joining either); `deleting` while its
 * task runs, then gone.
 */
export const deleteReadOnlyGroup = defineAction({
  name: 'DeleteReadOnlyGroup',
  params,
  handle(env, call) {
    const { group, status } = findGroup(env, call.params.ReadOnlyGroupId, call.region, call.now);
    if (status === 'deleting') {
      throw new ApiError(
        'OperationDenied.ROGroupStatusError',
        `The read-only group ${group.id} is already being deleted.`,
      );
    }
    // Members now and replicas joining; a replica whose provisioning failed (isolated) does not hold the group.
    const members = env.state
      .replicasOf(group.primaryId)
      .filter(
        (r) =>
          (groupOf(r, call.now) === group.id || r.readOnlyGroupId === group.id) &&
          !GONE.has(replicaStatus(r, call.now)),
      );
    if (members.length > 0) {
      throw new ApiError(
        'FailedOperation.ROGroupCannotBeDeletedError',
        `The read-only group ${group.id} still has ${members.length} read-only instance(s) (${members
          .map((r) => r.id)
          .join(', ')}); remove or isolate them first.`,
      );
    }
    const taskId = startTask(
      env,
      {
        type: 'DeleteReadOnlyGroup',
        instanceId: group.primaryId,
        region: call.region,
        input: JSON.stringify({ ReadOnlyGroupId: group.id }),
      },
      call.now,
    );
    env.state.saveGroup({
      ...group,
      deletion: { requestedAt: call.now, deletedAt: call.now + env.timings.groupTaskMs },
    });
    return { FlowId: taskId };
  },
});
