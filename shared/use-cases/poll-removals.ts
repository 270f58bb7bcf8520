import type { DBInstance } from 'tencentcloud-sdk-nodejs/tencentcloud/services/postgres/v20170312/postgres_models.js';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import type { RequestState } from '#shared/domain/request-state.ts';
import type { TransitionCommand } from '#shared/ports/request-store.ts';
import { chunk, groupBy } from '#shared/util/chunk.ts';

/**
 * The poller's part of removals (issue #14). Pure over what the cycle read: which records to requeue
 * to the create queue (the removal worker's next step), and what each ISOLATING record becomes given
 * its replica as Tencent describes it now. The cycle (poll-in-flight.ts) reads the replicas batched
 * like creation — up to 100 ids a DescribeDBInstances call, so ≤ ⌈N/100⌉ calls for N removals per
 * region — and writes the changes with its own transitions (`markIsolated`, `failIsolating`).
 */

/** Removal states whose next step is the worker's: requeued when untouched for the requeue grace. */
export const REMOVAL_WORKER_STATES: readonly RequestState[] = ['DRAINING', 'ISOLATED'];

/**
 * The removals to hand back to the worker: a DRAINING one waiting on its group task every cycle (the
 * worker's DescribeTasks is its wait), the others once untouched for `requeueAfterMs` (a lost message).
 */
export const removalsToRequeue = (
  records: readonly RequestRecord[],
  now: Date,
  requeueAfterMs: number,
): RequestRecord[] =>
  records.filter(
    (record) =>
      REMOVAL_WORKER_STATES.includes(record.state) &&
      ((record.state === 'DRAINING' && record.removal?.groupTask !== undefined) ||
        now.getTime() - Date.parse(record.updatedAt) > requeueAfterMs),
  );

export const removalRegionOf = (record: RequestRecord): string => record.removal?.target?.region ?? '';

/** The ids to describe, per region, in slices of at most `page`. */
export const isolatingSlices = (records: readonly RequestRecord[], page: number) =>
  [...groupBy(records, removalRegionOf)].map(([region, group]) => ({
    region,
    group,
    slices: chunk([...new Set(group.map((record) => record.removal?.target?.instanceId ?? ''))], page),
  }));

type TransitionCommandSet = NonNullable<TransitionCommand['set']>;

export type IsolatingVerdict =
  | { readonly to: 'ISOLATED'; readonly set: TransitionCommandSet; readonly note: string }
  | { readonly to: 'REMOVAL_FAILED'; readonly set: TransitionCommandSet; readonly note: string }
  | undefined;

/** ISOLATED once Tencent says `isolated`; REMOVAL_FAILED past the deadline; else wait. */
export const judgeIsolating = (
  record: RequestRecord,
  instance: DBInstance | undefined,
  now: Date,
): IsolatingVerdict => {
  const instanceId = record.removal?.target?.instanceId ?? '';
  const status = instance?.DBInstanceStatus;
  if (status === 'isolated') {
    return {
      to: 'ISOLATED',
      set: { instances: [{ instanceId, status }] },
      note: `${instanceId} reads back isolated`,
    };
  }
  if (record.deadline && Date.parse(record.deadline) < now.getTime() && status !== 'isolating') {
    return {
      to: 'REMOVAL_FAILED',
      set: {
        instances: [{ instanceId, status: status ?? 'not listed' }],
        failure: {
          code: 'IsolationNotSeen',
          message: `${instanceId} was ${status ?? 'not listed by Tencent'}, not isolated, at the deadline ${record.deadline}`,
        },
      },
      note: `${instanceId} did not isolate`,
    };
  }
  return undefined;
};
