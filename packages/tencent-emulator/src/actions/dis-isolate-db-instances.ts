import * as z from 'zod';
import { defineAction } from '#emulator/actions/action.ts';
import { findInstanceById, refusePrimary } from '#emulator/actions/fleet-rules.ts';
import { ApiError, apiErrors } from '#emulator/protocol/api-error.ts';
import { replicaStatus } from '#emulator/state/lifecycle.ts';
import type { ReplicaRecord } from '#emulator/state/records.ts';

const params = z.strictObject({
  DBInstanceIdSet: z.array(z.string()),
  Period: z.int().optional(),
  AutoVoucher: z.boolean().optional(),
  VoucherIds: z.array(z.string()).optional(),
});

const PREPAID_PERIODS = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 24, 36]);
const MAX_IDS = 10;

/**
 * DisIsolateDBInstances: an instance in the recycle bin (`isolated` by IsolateDBInstances) comes
 * back: `disisolating` for `offliningMs`, then `running`; billing resumes. It does not rejoin the
 * read-only group it left. An instance isolated by a failed provisioning cannot come back.
 */
export const disIsolateDBInstances = defineAction({
  name: 'DisIsolateDBInstances',
  params,
  handle(env, call) {
    const p = call.params;
    const ids = p.DBInstanceIdSet;
    if (ids.length === 0) throw apiErrors.invalidValue('DBInstanceIdSet', 'at least one instance id');
    if (ids.length > MAX_IDS)
      throw apiErrors.invalidValue('DBInstanceIdSet', `at most ${MAX_IDS} instance ids`);
    if (new Set(ids).size !== ids.length) throw apiErrors.invalidValue('DBInstanceIdSet', 'no id twice');
    if (p.Period !== undefined && !PREPAID_PERIODS.has(p.Period)) {
      throw apiErrors.invalidValue('Period', 'one of 1-12, 24, 36 (months)');
    }
    const replicas: ReplicaRecord[] = ids.map((id) => {
      const replica = refusePrimary(findInstanceById(env, id, call.region, call.now));
      const status = replicaStatus(replica, call.now);
      if (status !== 'isolated' || !replica.removal) {
        throw new ApiError(
          'OperationDenied.InstanceStatusDeniedError',
          status === 'isolated'
            ? `The instance ${replica.id} was isolated by a failed provisioning and cannot be brought back.`
            : `The instance ${replica.id} is \`${status}\`; only an isolated instance can be brought back.`,
        );
      }
      return replica;
    });
    const patches = new Map<string, Partial<ReplicaRecord>>();
    for (const replica of replicas) {
      patches.set(replica.id, {
        removal: undefined,
        disisolatingUntil: call.now + env.timings.offliningMs,
        ...(p.Period !== undefined && replica.chargeType === 'PREPAID' ? { periodMonths: p.Period } : {}),
      });
    }
    env.state.updateReplicas(patches);
    return {};
  },
});
