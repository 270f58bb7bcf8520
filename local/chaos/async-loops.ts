import { setTimeout as sleep } from 'node:timers/promises';

/** Runs `work` every `intervalMs` until the signal aborts; one run at a time, failures ignored. */
export const every = async (intervalMs: number, signal: AbortSignal, work: () => Promise<unknown>) => {
  while (!signal.aborted) {
    await work().catch(() => undefined);
    await sleep(intervalMs, undefined, { signal }).catch(() => undefined);
  }
};

/** Runs `work` over `items` with at most `limit` at a time. */
export const forEachLimited = async <T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await work(item);
      }
    }),
  );
};
