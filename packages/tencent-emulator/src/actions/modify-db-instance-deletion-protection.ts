import * as z from 'zod';
import { defineAction } from '#emulator/actions/action.ts';
import { findInstanceById } from '#emulator/actions/fleet-rules.ts';
import { ApiError } from '#emulator/protocol/api-error.ts';
import { replicaStatus } from '#emulator/state/lifecycle.ts';

const params = z.strictObject({ DBInstanceId: z.string(), DeletionProtection: z.boolean() });

/**
 * ModifyDBInstanceDeletionProtection: switches deletion protection of a primary or a replica. A
 * protected instance cannot be isolated. Refused for an instance going or gone offline.
 */
export const modifyDBInstanceDeletionProtection = defineAction({
  name: 'ModifyDBInstanceDeletionProtection',
  params,
  handle(env, call) {
    const p = call.params;
    const found = findInstanceById(env, p.DBInstanceId, call.region, call.now);
    if (found.kind === 'primary') {
      env.state.setPrimaryDeletionProtection(found.primary.id, p.DeletionProtection);
      return {};
    }
    const status = replicaStatus(found.replica, call.now);
    if (status === 'offlining' || status === 'offline') {
      throw new ApiError(
        'OperationDenied.InstanceStatusLimitError',
        `The instance ${found.replica.id} is \`${status}\`; its deletion protection can no longer change.`,
      );
    }
    env.state.updateReplica(found.replica.id, { deletionProtection: p.DeletionProtection });
    return {};
  },
});
