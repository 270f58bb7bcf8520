import { isTerminal } from '#shared/domain/request-state.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { MetricsRecorder } from '#shared/ports/metrics.ts';
import type { RequestStore } from '#shared/ports/request-store.ts';
import type { PollReport } from '#shared/use-cases/poll-in-flight.ts';

/**
 * A poll cycle's store, watched for requests left past their provisioning deadline: each unfinished
 * in-flight record the cycle reads with its deadline gone, less those the cycle then ends (TIMED_OUT,
 * or READY/FAILED found at the last moment). What remains is stuck: a lease still held, an UNKNOWN
 * create, a write that keeps losing; normally 0.
 */
export const deadlineWatch = <Store extends RequestStore>(store: Store, clock: Clock) => {
  const past = new Set<string>();
  const listInFlight: RequestStore['listInFlight'] = async (options) => {
    const page = await store.listInFlight(options);
    const now = clock.now().getTime();
    for (const record of page.records) {
      if (!isTerminal(record.state) && record.deadline && Date.parse(record.deadline) < now) {
        past.add(record.requestId);
      }
    }
    return page;
  };
  const transition: RequestStore['transition'] = async (command) => {
    const record = await store.transition(command);
    if (isTerminal(record.state)) past.delete(record.requestId);
    return record;
  };
  const watched = new Proxy(store, {
    get: (target, property) => {
      if (property === 'listInFlight') return listInFlight;
      if (property === 'transition') return transition;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store: watched, pastDeadline: () => past.size };
};

/** A cycle that ran (not one skipped for the run lock): the heartbeat and the requests left past their deadline. */
export const recordPollCycle = (
  metrics: MetricsRecorder | undefined,
  report: PollReport,
  pastDeadline: number,
): void => {
  if (!metrics || report.skipped) return;
  metrics.add('PollCycles', {});
  metrics.add('RequestsPastDeadline', {}, pastDeadline);
};
