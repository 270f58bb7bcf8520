import type { RequestRecord } from '#shared/domain/request-record.ts';
import { TRANSITIONS } from '#shared/domain/request-transitions.ts';
import { IllegalTransitionError } from '#shared/errors.ts';
import type { PutNewResult, RequestStore } from '#shared/ports/request-store.ts';

/** The state the table starts a request in: the `to` of ingest's row with no `from`. */
const START = TRANSITIONS.filter((row) => row.actor === 'ingest' && row.from === null).map((row) => row.to);

/**
 * The one change ingest owns (request-transitions.ts, actor `ingest`): a new request is recorded
 * RECEIVED by a conditional put. An existing record under the same id comes back untouched (the
 * caller decides whether it is a replay).
 */
export const recordReceived = async (
  store: Pick<RequestStore, 'putNew'>,
  record: RequestRecord,
): Promise<PutNewResult> => {
  if (!START.includes(record.state)) throw new IllegalTransitionError('(new)', record.state, 'ingest');
  return store.putNew(record);
};
