import type { EmulatorInstance } from '@replica-flow/tencent-emulator/emulator.ts';
import type { MutationEntry, MutationTarget } from '@replica-flow/tencent-emulator/mutation-journal.ts';
import { deploymentTagOf } from '#shared/domain/deployment-identity.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';

/**
 * The fleet invariants of issue #14, counted from Tencent's side: the emulator's own journal of every
 * instance-changing call (`GET /_emulator/mutations`) and its instances, never replica-flow's word.
 * Every count must be 0.
 */
export interface FleetSafetyCounters {
  /** Instances without this deployment's tag that an isolate, destroy, regroup or deletion-protection call named. */
  readonly foreignInstancesTouched: number;
  /** Primaries such a call named. */
  readonly primariesTouched: number;
  /**
   * Isolations that took a primary's running replica-flow replicas below its policy `minReplicas`,
   * other than of a replica an explicit removal request named or picked and acted on (a person may go
   * below the minimum; replica-flow on its own — the poller, an alert's scale-in step — never does).
   */
  readonly removedBelowMinimum: number;
  /**
   * Applied IsolateDBInstances / DestroyDBInstance calls beyond the first per instance, plus removal
   * requests beyond the first that acted (drained or isolated) on one replica.
   */
  readonly duplicateRemovals: number;
}

export interface FleetSafetyInput {
  readonly mutations: readonly MutationEntry[];
  readonly instances: readonly EmulatorInstance[];
  /** This deployment's identity (its replicas' deployment tag). */
  readonly deployment: string;
  /** Each primary's policy `scaleOut.minReplicas` (absent: 0). */
  readonly minReplicas: Readonly<Record<string, number>>;
  /** The run's removal records. */
  readonly removals: readonly RequestRecord[];
}

/** States a removal reaches only once it has started changing its replica. */
const ACTING_STATES: ReadonlySet<string> = new Set([
  'DRAINING',
  'ISOLATING',
  'ISOLATED',
  'DESTROYED',
  'REMOVED',
]);

const acted = (record: RequestRecord): boolean =>
  record.history.some((entry) => ACTING_STATES.has(entry.state));

const ours = (tags: MutationTarget['tags'], deployment: string): boolean =>
  deploymentTagOf(tags) === deployment;

/** Running just before `at`: became running by then, and neither isolating nor offline before it. */
const runningAt = (instance: EmulatorInstance, at: number): boolean =>
  instance.runningAt !== null &&
  instance.runningAt <= at &&
  (instance.isolatingAt === null || instance.isolatingAt >= at) &&
  (instance.offlineAt === null || instance.offlineAt >= at);

const extrasPerKey = (keys: readonly string[]): number => {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return [...counts.values()].reduce((sum, count) => sum + Math.max(0, count - 1), 0);
};

export const fleetSafetyCounters = (input: FleetSafetyInput): FleetSafetyCounters => {
  const calls = input.mutations.filter((entry) => entry.via === 'api');
  const foreign = new Set<string>();
  const primaries = new Set<string>();
  for (const target of calls.flatMap((entry) => entry.targets)) {
    if (target.kind === 'primary') primaries.add(target.id);
    else if (!ours(target.tags, input.deployment)) foreign.add(target.id);
  }
  const appliedIds = (action: string) =>
    calls
      .filter((entry) => entry.action === action && entry.applied)
      .flatMap((entry) => entry.targets.map((target) => target.id));
  const actingRemovals = input.removals
    .filter(acted)
    .map((record) => record.removal?.target?.instanceId ?? `(no target) ${record.requestId}`);
  // A person's removal (API, Slack) may go below the minimum; an alert's or the poller's never. Only
  // a person's removal that acted on the replica excuses its isolation: one refused (the replica was
  // busy, the primary at its minimum) says nothing of who isolated it (a scale-in step, say).
  const explicit = new Set(
    input.removals
      .filter((record) => {
        const trigger: string | undefined = record.removal?.trigger.kind;
        return (trigger === 'api' || trigger === 'slack') && acted(record);
      })
      .map((record) => record.removal?.target?.instanceId),
  );
  const fleet = input.instances.filter((instance) => ours(instance.tags, input.deployment));
  let removedBelowMinimum = 0;
  for (const entry of calls.filter((call) => call.action === 'IsolateDBInstances' && call.applied)) {
    for (const target of entry.targets) {
      const minimum = input.minReplicas[target.primaryId] ?? 0;
      if (target.kind !== 'replica' || minimum === 0 || explicit.has(target.id)) continue;
      if (!ours(target.tags, input.deployment) || target.statusBefore !== 'running') continue;
      const running = fleet.filter(
        (instance) => instance.primaryId === target.primaryId && runningAt(instance, entry.at),
      ).length;
      // The call arrived while the target still ran: it is among `running`.
      if (running - 1 < minimum) removedBelowMinimum += 1;
    }
  }
  return {
    foreignInstancesTouched: foreign.size,
    primariesTouched: primaries.size,
    removedBelowMinimum,
    duplicateRemovals:
      extrasPerKey(appliedIds('IsolateDBInstances')) +
      extrasPerKey(appliedIds('DestroyDBInstance')) +
      extrasPerKey(actingRemovals),
  };
};
