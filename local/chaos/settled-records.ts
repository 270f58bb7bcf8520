import { setTimeout as sleep } from 'node:timers/promises';
import { forEachLimited } from '#local/chaos/async-loops.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import { isTerminal } from '#shared/domain/request-state.ts';
import type { RequestStore } from '#shared/ports/request-store.ts';

type Reader = Pick<RequestStore, 'get'>;

/** The records of `requestIds`, read 16 at a time. */
export const readRecords = async (
  store: Reader,
  requestIds: readonly string[],
): Promise<Map<string, RequestRecord | undefined>> => {
  const records = new Map<string, RequestRecord | undefined>();
  await forEachLimited(requestIds, 16, async (requestId) => {
    records.set(requestId, await store.get(requestId));
  });
  return records;
};

/** Ended, and told: terminal with its notification delivered. */
export const settled = (record: RequestRecord | undefined): boolean =>
  record !== undefined && isTerminal(record.state) && record.notification?.status === 'DELIVERED';

/** Reads the records until every one has settled, or the deadline (epoch ms); answers the last reads. */
export const waitUntilSettled = async (
  store: Reader,
  requestIds: ReadonlySet<string>,
  deadline: number,
): Promise<Map<string, RequestRecord | undefined>> => {
  const records = new Map<string, RequestRecord | undefined>();
  let open = [...requestIds];
  while (open.length > 0 && Date.now() < deadline) {
    for (const [requestId, record] of await readRecords(store, open)) records.set(requestId, record);
    open = open.filter((requestId) => !settled(records.get(requestId)));
    if (open.length > 0) await sleep(500);
  }
  return records;
};
