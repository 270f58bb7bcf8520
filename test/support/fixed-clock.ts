import type { Clock } from '#shared/ports/clock.ts';

/** A clock that stands still until the test moves it. */
export interface FixedClock extends Clock {
  /** Moves the clock forward by `ms`. */
  advance(ms: number): void;
  /** Sets the clock to `at`. */
  set(at: Date | string): void;
}

export const fixedClock = (start: Date | string = '2026-11-29T10:00:00.000Z'): FixedClock => {
  let now = new Date(start).getTime();
  return {
    now: () => new Date(now),
    advance: (ms) => {
      now += ms;
    },
    set: (at) => {
      now = new Date(at).getTime();
    },
  };
};
