import type { EmulatorInstance } from '@replica-flow/tencent-emulator/emulator.ts';
import { readRecords } from '#local/chaos/settled-records.ts';
import { REQUEST_TAG_KEY } from '#shared/domain/idempotency.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import type { RequestStore } from '#shared/ports/request-store.ts';
import { MINIMUM_REQUESTER } from '#shared/use-cases/restore-minimums.ts';

/**
 * The poller's own scale-outs for `minReplicas` that made a replica: the records named by the
 * replicas' request tags whose requester is the poller (not a request of the run, not a duplicate).
 */
export const minimumRequestsOf = async (
  instances: readonly EmulatorInstance[],
  store: Pick<RequestStore, 'get'>,
): Promise<Map<string, RequestRecord>> => {
  const tagged = new Set(
    instances.flatMap((instance) =>
      instance.tags.filter((tag) => tag.TagKey === REQUEST_TAG_KEY).map((tag) => tag.TagValue),
    ),
  );
  const records = await readRecords(store, [...tagged]);
  return new Map(
    [...records].flatMap(([requestId, record]) =>
      record?.requester.identity === MINIMUM_REQUESTER.identity ? [[requestId, record] as const] : [],
    ),
  );
};
