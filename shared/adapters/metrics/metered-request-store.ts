import type { RequestRecord } from '#shared/domain/request-record.ts';
import { isTerminal } from '#shared/domain/request-state.ts';
import type { MetricsRecorder } from '#shared/ports/metrics.ts';
import type { RequestStore } from '#shared/ports/request-store.ts';

/**
 * The request store, counting what its writes mean: every request is created by `putNew` and ends
 * by a conditional `transition` (or is created terminal, e.g. SUPPRESSED), and a conditional write
 * succeeds once, so the store sees each request received and each outcome exactly once, whichever
 * use case or function made it. Records `RequestsReceived` {source}, `RequestOutcome` {source,
 * outcome} and, for READY, `TimeToReady` (from `createdAt` to the transition). Every other method
 * (markers, locks, reads) passes through unchanged.
 */
export const meteredRequestStore = <Store extends RequestStore>(
  store: Store,
  metrics: MetricsRecorder,
): Store => {
  const outcome = (record: RequestRecord, at: string) => {
    if (!isTerminal(record.state)) return;
    metrics.add('RequestOutcome', { source: record.requester.source, outcome: record.state });
    if (record.state === 'READY') {
      const elapsed = Date.parse(at) - Date.parse(record.createdAt);
      if (Number.isFinite(elapsed) && elapsed >= 0) metrics.add('TimeToReady', {}, elapsed);
    }
  };
  const putNew: RequestStore['putNew'] = async (record) => {
    const result = await store.putNew(record);
    if (result.created) {
      metrics.add('RequestsReceived', { source: result.record.requester.source });
      outcome(result.record, result.record.createdAt);
    }
    return result;
  };
  const transition: RequestStore['transition'] = async (command) => {
    const record = await store.transition(command);
    outcome(record, command.at);
    return record;
  };
  return new Proxy(store, {
    get: (target, property) => {
      if (property === 'putNew') return putNew;
      if (property === 'transition') return transition;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
};
