import type { ChaosRandom } from '#local/chaos/chaos-random.ts';
import { ReplicaFlowError } from '#shared/errors.ts';

/** Thrown from the create handler's `afterCall` hook: the process "died" after Tencent answered. */
export class SimulatedCrashError extends ReplicaFlowError {
  constructor(readonly requestId: string) {
    super('SIMULATED_CRASH', `chaos: the create handler died after Tencent answered for ${requestId}`);
  }
}

export interface CrashInjector {
  /** The `afterCreateCall` hook of the local stack. */
  readonly afterCreateCall: (requestId: string) => Promise<void>;
  readonly crashes: () => number;
}

/**
 * Kills a create invocation between Tencent's answer and the store write: the replica exists, the
 * record still says CREATING under a lease. The first successful create always dies (so every run
 * covers it), later ones with `probability`. `onCrash` runs after each crash (the run redelivers the
 * message at once, as a retrying queue would, and that delivery must find the lease still held).
 */
export const crashInjector = (
  random: ChaosRandom,
  probability: number,
  onCrash: (requestId: string) => void = () => undefined,
): CrashInjector => {
  let calls = 0;
  let crashes = 0;
  return {
    afterCreateCall: async (requestId) => {
      calls += 1;
      if (calls > 1 && !random.chance(probability)) return;
      crashes += 1;
      onCrash(requestId);
      throw new SimulatedCrashError(requestId);
    },
    crashes: () => crashes,
  };
};
