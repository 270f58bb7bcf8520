import { setTimeout as pause } from 'node:timers/promises';

export interface EventuallyOptions {
  /** How long the condition may take (default 20 s: generous on a busy machine, short of a hang). */
  readonly timeoutMs?: number;
  /** Pause between two reads (default 100 ms). */
  readonly intervalMs?: number;
}

/**
 * Reads until `done` holds for what was read, and returns that; fails after `timeoutMs` naming what
 * it waited for and the last value read. The way a test waits for something to happen: on a
 * condition, with a deadline, never for a fixed duration.
 */
export const eventually = async <T>(
  what: string,
  read: () => T | Promise<T>,
  done: (value: T) => boolean,
  options: EventuallyOptions = {},
): Promise<T> => {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last read: ${describe(value)}`);
    }
    await pause(options.intervalMs ?? 100);
  }
};

/** Waits until `check` answers true (see `eventually`). */
export const until = async (
  what: string,
  check: () => boolean | Promise<boolean>,
  options: EventuallyOptions = {},
): Promise<void> => {
  await eventually(what, check, (holds) => holds, options);
};

const describe = (value: unknown): string => {
  try {
    return (JSON.stringify(value) ?? String(value)).slice(0, 2_000);
  } catch {
    return String(value);
  }
};
