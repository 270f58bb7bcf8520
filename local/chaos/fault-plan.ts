import {
  FAULT_KINDS,
  type FaultKind,
  type FaultPlanBody,
} from '@replica-flow/tencent-emulator/faults/fault-plan.ts';
import type { ChaosRandom } from '#local/chaos/chaos-random.ts';

const CREATE = 'CreateReadOnlyDBInstance';

/** Every emulator fault a create call can meet. */
export const CREATE_FAULTS: readonly FaultKind[] = FAULT_KINDS;

/** Faults of the read calls (validate's pre-checks, the poller's Describe calls): none of provisioning's. */
export const READ_FAULTS: readonly FaultKind[] = FAULT_KINDS.filter(
  (kind) => !kind.startsWith('Provisioning'),
);

/** The removal steps' instance-changing calls (leave the group, isolate, destroy). */
export const REMOVAL_ACTIONS: readonly string[] = [
  'RemoveDBInstanceFromReadOnlyGroup',
  'IsolateDBInstances',
  'DestroyDBInstance',
];

/** Every fault a removal step's call can meet (its outcome lost, late, refused, or never sent). */
export const REMOVAL_FAULTS: readonly FaultKind[] = READ_FAULTS;

export interface ChaosFaultPlan {
  /** What the emulator is told (`POST /_emulator/faults`). */
  readonly emulator: FaultPlanBody;
  /** Chance that a create handler "dies" between Tencent's answer and the store write. */
  readonly crashProbability: number;
  /** Chance, per submitted request, of extra and concurrent deliveries of its messages. */
  readonly duplicateProbability: number;
  /** The webhook receiver: down from `startMs` for `durationMs`, then failing this share of deliveries. */
  readonly receiver: {
    readonly outageStartMs: number;
    readonly outageMs: number;
    readonly flakiness: number;
  };
}

/**
 * The run's faults, all drawn from the seed. The first create calls meet every create fault once,
 * in a seeded order (so even a short run covers each kind); after that each create call fails with
 * one of them at a seeded rate, and read calls fail at a lower rate. Each removal step's call meets
 * every removal fault once, each followed by a call that goes through (so one removal is not starved
 * of its deadline; the first call of each action faults, so even a run where one removal gets that
 * far meets a fault), then the same seeded rate as creates.
 */
export const chaosFaultPlan = (
  random: ChaosRandom,
  options: { readonly delayMs: number; readonly requests: number },
): ChaosFaultPlan => {
  const createRate = 0.035 + random.next() * 0.01;
  const readRate = 0.006 + random.next() * 0.004;
  return {
    emulator: {
      seed: random.int(1, 2 ** 31 - 1),
      delayMs: options.delayMs,
      rules: [
        { action: CREATE, sequence: random.shuffle(CREATE_FAULTS), repeat: false },
        ...CREATE_FAULTS.map((kind) => ({
          action: CREATE,
          kind,
          probability: createRate,
          repeat: false,
        })),
        ...REMOVAL_ACTIONS.flatMap((action) => [
          {
            action,
            sequence: random.shuffle(REMOVAL_FAULTS).flatMap((kind) => [kind, 'ok' as const]),
            repeat: false,
          },
          ...REMOVAL_FAULTS.map((kind) => ({ action, kind, probability: createRate, repeat: false })),
        ]),
        ...READ_FAULTS.map((kind) => ({ action: '*', kind, probability: readRate, repeat: false })),
      ],
    },
    crashProbability: 0.06 + random.next() * 0.04,
    duplicateProbability: 0.2 + random.next() * 0.1,
    receiver: {
      outageStartMs: 500 + random.int(0, 1000),
      outageMs: 3000 + random.int(0, 2000) + Math.min(5000, options.requests * 5),
      flakiness: 0.15 + random.next() * 0.15,
    },
  };
};
