import * as z from 'zod';
import { defineAction } from '#emulator/actions/action.ts';
import { findInstanceById, refusePrimary } from '#emulator/actions/fleet-rules.ts';
import { ApiError, apiErrors } from '#emulator/protocol/api-error.ts';
import { groupOf, replicaStatus } from '#emulator/state/lifecycle.ts';
import type { ReplicaRecord } from '#emulator/state/records.ts';

const params = z.strictObject({ DBInstanceIdSet: z.array(z.string()) });

/** Instances one call may name (Tencent recommends one; the limit is not documented). */
const MAX_IDS = 10;

/**
 * IsolateDBInstances: each named read-only instance goes `isolating` → `isolated` (the recycle
 * bin: recoverable with DisIsolateDBInstances) → `offline` when the bin expires (3 days postpaid,
 * 7 days prepaid: `postpaidRecycleMs` / `prepaidRecycleMs`). Billing stops when the isolation is
 * accepted. The instance leaves its read-only group when it becomes `isolated`. All ids are
 * checked first: one refused id refuses the call and isolates nothing.
 */
export const isolateDBInstances = defineAction({
  name: 'IsolateDBInstances',
  params,
  handle(env, call) {
    const ids = call.params.DBInstanceIdSet;
    if (ids.length === 0) throw apiErrors.invalidValue('DBInstanceIdSet', 'at least one instance id');
    if (ids.length > MAX_IDS)
      throw apiErrors.invalidValue('DBInstanceIdSet', `at most ${MAX_IDS} instance ids`);
    if (new Set(ids).size !== ids.length) throw apiErrors.invalidValue('DBInstanceIdSet', 'no id twice');
    const replicas: ReplicaRecord[] = ids.map((id) => {
      const replica = refusePrimary(findInstanceById(env, id, call.region, call.now));
      if (replica.deletionProtection) {
        throw new ApiError(
          'OperationDenied.InstanceStatusLimitError',
          `The instance ${replica.id} has deletion protection on; turn it off (ModifyDBInstanceDeletionProtection) before isolating it.`,
        );
      }
      const status = replicaStatus(replica, call.now);
      if (status !== 'running') {
        throw new ApiError(
          'OperationDenied.InstanceStatusLimitError',
          `The instance ${replica.id} is \`${status}\`; only a running instance can be isolated.`,
        );
      }
      return replica;
    });
    const { isolatingMs, postpaidRecycleMs, prepaidRecycleMs } = env.timings;
    const isolatedAt = call.now + isolatingMs;
    const patches = new Map<string, Partial<ReplicaRecord>>();
    for (const replica of replicas) {
      const recycleMs = replica.chargeType === 'PREPAID' ? prepaidRecycleMs : postpaidRecycleMs;
      const group = groupOf(replica, call.now);
      patches.set(replica.id, {
        removal: {
          isolatingAt: call.now,
          isolatedAt,
          offlineAt: isolatedAt + recycleMs,
          billingStoppedAt: call.now,
        },
        readOnlyGroupId: '',
        // A join still running is cancelled; a member leaves its group once isolated.
        groupChange: group === '' ? undefined : { from: group, at: isolatedAt },
      });
    }
    env.state.updateReplicas(patches);
    return {};
  },
});
