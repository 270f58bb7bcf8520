import { setTimeout as sleep } from 'node:timers/promises';
import type { ChaosRandom } from '#local/chaos/chaos-random.ts';
import type { ForeignReplicas } from '#local/chaos/foreign-replicas.ts';
import type { RemovalRun } from '#local/chaos/removal-outcomes.ts';
import { type ReadyReplica, removalWorkload } from '#local/chaos/removal-workload.ts';
import { readRecords } from '#local/chaos/settled-records.ts';
import { submitRemovals } from '#local/chaos/submit-removals.ts';
import type { ApiClient } from '#local/cli/api-client.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import { isTerminal } from '#shared/domain/request-state.ts';
import type { RequestStore } from '#shared/ports/request-store.ts';

/** How long after the removals start the late creates follow. */
const LATE_CREATES_AFTER_MS = 300;

const readyReplicas = (records: Iterable<RequestRecord | undefined>): ReadyReplica[] =>
  [...records].flatMap((record) =>
    record?.state === 'READY'
      ? (record.creation?.instanceIds ?? []).map((instanceId) => ({
          instanceId,
          primaryId: record.request.MasterDBInstanceId,
          region: record.request.Region ?? 'ap-beijing',
          prepaid: record.plan?.InstanceChargeType === 'PREPAID',
        }))
      : [],
  );

/**
 * The removal wave: once the first creates have ended (or after `waitMs`; their webhooks may still be
 * on their way) — a removal of a primary
 * with a create in flight is refused, one fleet change of a primary at a time — submits the removal
 * workload (`removal-workload.ts`) with the `submitter` key; `alongside` then runs the late creates,
 * so scale-outs and removals of one primary meet.
 */
export const removalWave = async (options: {
  readonly store: Pick<RequestStore, 'get'>;
  readonly api: ApiClient;
  readonly random: ChaosRandom;
  readonly createIds: readonly string[];
  readonly foreign: ForeignReplicas;
  readonly callbackUrl: string;
  readonly runId: string;
  readonly named: number;
  readonly waitMs: number;
  readonly alongside: () => Promise<unknown>;
}): Promise<RemovalRun> => {
  const until = Date.now() + options.waitMs;
  let records = await readRecords(options.store, options.createIds);
  while ([...records.values()].some((record) => !record || !isTerminal(record.state)) && Date.now() < until) {
    await sleep(300);
    records = await readRecords(options.store, options.createIds);
  }
  const ready = readyReplicas(records.values());
  const submissions = removalWorkload(options.random, {
    ready: ready.sort((left, right) => left.instanceId.localeCompare(right.instanceId)),
    foreign: options.foreign,
    callbackUrl: options.callbackUrl,
    runId: options.runId,
    named: options.named,
  });
  // The removals that must be refused go first, alone, until validate has judged them: each then
  // meets an idle primary, so a rule that failed to refuse one would reach Tencent (and the journal),
  // not be hidden behind another removal of the same primary.
  const forbidden = submissions.filter((submission) => submission.expect !== 'removed');
  const first = await submitRemovals(options.api, forbidden);
  await judged(options.store, [...first.requestIds.values()], Date.now() + JUDGED_WITHIN_MS);
  const removing = submitRemovals(
    options.api,
    submissions.filter((submission) => submission.expect === 'removed'),
  );
  // The late creates start while the removals are being validated and run.
  await sleep(LATE_CREATES_AFTER_MS);
  await options.alongside();
  const rest = await removing;
  return {
    submissions,
    requestIds: new Map([...first.requestIds, ...rest.requestIds]),
    refusedAtBorder: new Map([...first.refusedAtBorder, ...rest.refusedAtBorder]),
  };
};

/** How long the forbidden removals may take to leave RECEIVED before the others follow anyway. */
const JUDGED_WITHIN_MS = 10_000;

/** Until every record has left RECEIVED (validate has judged it), or the deadline. */
const judged = async (store: Pick<RequestStore, 'get'>, requestIds: readonly string[], deadline: number) => {
  for (;;) {
    const records = await readRecords(store, requestIds);
    if ([...records.values()].every((record) => record && record.state !== 'RECEIVED')) return;
    if (Date.now() > deadline) return;
    await sleep(100);
  }
};
