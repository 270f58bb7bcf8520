import * as z from 'zod';
import { defineAction } from '#emulator/actions/action.ts';
import { findInstanceById, refusePrimary } from '#emulator/actions/fleet-rules.ts';
import { ApiError } from '#emulator/protocol/api-error.ts';
import { replicaStatus } from '#emulator/state/lifecycle.ts';

const params = z.strictObject({ DBInstanceId: z.string() });

/**
 * DestroyDBInstance: only an `isolated` instance; irreversible: `offlining` for `offliningMs`,
 * then `offline` (still listed by the Describe calls, with its `OfflineTime`). It leaves its
 * read-only group (a failed provisioning's replica may still be in one).
 */
export const destroyDBInstance = defineAction({
  name: 'DestroyDBInstance',
  params,
  handle(env, call) {
    const replica = refusePrimary(findInstanceById(env, call.params.DBInstanceId, call.region, call.now));
    const status = replicaStatus(replica, call.now);
    if (status !== 'isolated') {
      throw new ApiError(
        'ResourceUnavailable.InvalidInstanceStatus',
        `The instance ${replica.id} is \`${status}\`; only an isolated instance can be destroyed.`,
      );
    }
    const offlineAt = call.now + env.timings.offliningMs;
    env.state.updateReplica(replica.id, {
      destroy: { requestedAt: call.now, offlineAt },
      ...(replica.readOnlyGroupId === ''
        ? {}
        : { readOnlyGroupId: '', groupChange: { from: replica.readOnlyGroupId, at: offlineAt } }),
    });
    return {};
  },
});
