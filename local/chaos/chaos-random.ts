import { createHash } from 'node:crypto';
import { seededRandom } from '@replica-flow/tencent-emulator/faults/prng.ts';

/** A seeded random stream with the draws the chaos run needs. */
export interface ChaosRandom {
  /** Uniform in [0, 1). */
  next(): number;
  chance(probability: number): boolean;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  shuffle<T>(items: readonly T[]): T[];
  /** An independent stream for one part of the run, so parts do not shift each other's draws. */
  fork(label: string): ChaosRandom;
}

const derivedSeed = (seed: number, label: string): number =>
  createHash('sha256').update(`${seed}/${label}`).digest().readUInt32BE(0);

export const chaosRandom = (seed: number): ChaosRandom => {
  const next = seededRandom(seed);
  const random: ChaosRandom = {
    next,
    chance: (probability) => next() < probability,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new RangeError('pick from an empty list');
      return item;
    },
    shuffle: <T>(items: readonly T[]) => {
      const copy = [...items];
      for (let index = copy.length - 1; index > 0; index -= 1) {
        const other = Math.floor(next() * (index + 1));
        [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
      }
      return copy;
    },
    fork: (label) => chaosRandom(derivedSeed(seed, label)),
  };
  return random;
};
