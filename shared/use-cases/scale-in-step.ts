import { TencentApiError } from '#shared/adapters/tencent/tencent-api-error.ts';
import { DEFAULT_DEPLOYMENT } from '#shared/domain/deployment-identity.ts';
import type { FleetState, ScaleInCandidate } from '#shared/domain/fleet-state.ts';
import { scaleInIdempotencyKey } from '#shared/domain/fleet-state.ts';
import { requestIdFor } from '#shared/domain/idempotency.ts';
import type { Policy } from '#shared/domain/policy.ts';
import { findPrimaryPolicy } from '#shared/domain/policy-evaluation.ts';
import { fleetPolicyOf } from '#shared/domain/policy-fleet.ts';
import { pickReplicaToRemove } from '#shared/domain/replica-picker.ts';
import { regionOfZone } from '#shared/domain/replica-request-fields.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import { scaleInTiming } from '#shared/domain/scale-in-timing.ts';
import { logger } from '#shared/logger.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { FleetStateStore } from '#shared/ports/fleet-state-store.ts';
import type { MessageQueue } from '#shared/ports/message-queue.ts';
import type { MarkerStore, RequestStore, SpendStore } from '#shared/ports/request-store.ts';
import type { TencentPostgres } from '#shared/ports/tencent-postgres.ts';
import { lastFleetChangeOf } from '#shared/use-cases/fleet-last-change.ts';
import { updateFleetState } from '#shared/use-cases/fleet-state-update.ts';
import { fleetActivityOf } from '#shared/use-cases/removal-sequence.ts';
import { removalScopeOf, type StoredRemoval, submitRemoval } from '#shared/use-cases/submit-removal.ts';
import { describeCandidates } from '#shared/use-cases/validate-removal.ts';

/**
 * The poll cycle's scale-in (issue #14; Aurora's "scale in slowly, one step at a time"): each
 * primary that a resolved alert made a scale-in candidate gets one removal request when
 * - no alert of it fired for `scaleIn.stableForSeconds` (since the later of its last firing and the
 *   resolve), and no fleet change of it (a scale-out, a scale-in ended) came within `cooldownSeconds`;
 * - no create or removal of it is in flight, the previous step's removal has ended, and the
 *   primary's sequence marker does not hold removals back (`removal-sequence.ts`);
 * - Tencent lists a replica the alert's removal may take (`pickReplicaToRemove`: this deployment's,
 *   postpaid, running) without going below `scaleOut.minReplicas`.
 * A candidate at its minimum, or with nothing removable, ends: no request is made (a request that
 * could only be refused would be noise on the webhook every cooldown); validate's picker still
 * refuses a removal that a race brought below the minimum (SUPPRESSED `removal.belowMinimum`).
 *
 * Exactly one request per step: the step is first claimed by a conditional write of the primary's
 * fleet state (its epoch moves on; an alert that fired meanwhile, or another poller that claimed
 * first, makes the write fail and nothing is requested), then recorded under an idempotency key made
 * of the candidacy and its epoch (a crash between the two is recovered by the next cycle with the
 * same key). The candidacy lasts until an alert of the primary fires, or the minimum is reached:
 * the next step comes after the cooldown again.
 */

export interface ScaleInDependencies {
  readonly store: RequestStore & MarkerStore & SpendStore & FleetStateStore;
  readonly queue: MessageQueue;
  readonly tencent: TencentPostgres;
  readonly clock: Clock;
  readonly policy: Policy;
  /** This deployment's identity: only its replicas are candidates. Absent: `DEFAULT_DEPLOYMENT`. */
  readonly deployment?: string | undefined;
}

export interface ScaleInReport {
  /** Primaries that were candidates this cycle. */
  readonly candidates: number;
  /** Removal requests recorded (a recovered step included). */
  readonly requested: string[];
  /** Candidacies ended (disabled, at the minimum, nothing removable). */
  readonly ended: number;
  /** Candidates skipped this cycle because Tencent could not be asked (throttled, network). */
  readonly skipped: number;
}

/** The identity a scale-in removal is recorded under (its requester is the alert source). */
export const SCALE_IN_IDENTITY = 'scale-in';

export const stepScaleIn = async (deps: ScaleInDependencies): Promise<ScaleInReport> => {
  const candidates = (await deps.store.listFleetStates()).filter((state) => state.candidate);
  const counts = { candidates: candidates.length, requested: [] as string[], ended: 0, skipped: 0 };
  if (candidates.length === 0) return counts;
  const active = await deps.store.listActiveSpend();
  for (const state of candidates) {
    try {
      const outcome = await stepOne(state, active, deps);
      if (outcome.requested) counts.requested.push(outcome.requested);
      if (outcome.ended) counts.ended += 1;
    } catch (error) {
      if (!(error instanceof TencentApiError && error.retryable)) throw error;
      counts.skipped += 1;
      logger.warn('scale-in: Tencent could not be asked; the next cycle tries again', {
        primaryId: state.primaryId,
        error: error.message,
      });
    }
  }
  return counts;
};

type StepOutcome = { readonly requested?: string; readonly ended?: true };

const stepOne = async (
  state: FleetState,
  active: readonly RequestRecord[],
  deps: ScaleInDependencies,
): Promise<StepOutcome> => {
  const { primaryId } = state;
  const candidate = state.candidate as ScaleInCandidate;
  const log = { primaryId, epoch: candidate.epoch, since: candidate.since };
  const match = findPrimaryPolicy(deps.policy, primaryId);
  const fleet = fleetPolicyOf(match?.entry);
  if (!fleet.scaleIn.enabled) return endCandidacy(state, 'scaleIn is no longer enabled by the policy', deps);

  const now = deps.clock.now();
  const change = await lastFleetChangeOf(primaryId, state, deps, {
    now,
    scaleOutCooldownSeconds: match?.entry.scaleOut?.cooldownSeconds ?? 0,
    active,
  });
  const last = state.lastScaleIn;
  if (change.scaleInOpen && last) {
    // The previous step's removal is still running: wait for it to end (then the cooldown).
    if (change.scaleInOpen.recorded) return {};
    // Claimed, but a crash left it unrecorded: record it now, while its candidacy lasts. (A claim of
    // an earlier candidacy, which an alert ended, was abandoned: nothing to wait for.)
    if (last.since === candidate.since) {
      const { record } = await submitRemoval(await removalOf(primaryId, candidate, last.epoch), deps);
      logger.info('scale-in: claimed step recorded', { ...log, requestId: record.requestId });
      return { requested: record.requestId };
    }
  }
  const timing = scaleInTiming({
    state,
    scaleIn: fleet.scaleIn,
    lastChangeAt: change.at,
    heldUntil: change.heldUntil,
    now,
  });
  if (timing.notBefore > now.getTime()) return {};
  const activity = await fleetActivityOf(primaryId, '', deps);
  if (activity.busy) return {};

  const defaults = match?.entry.defaults;
  const region = candidate.region ?? defaults?.Region ?? regionOfZone(defaults?.Zone ?? '');
  if (!region) return endCandidacy(state, 'the policy names no Region or Zone for the primary', deps);
  const { instances } = await describeCandidates(region, undefined, deps);
  const pick = pickReplicaToRemove({
    primaryId,
    instances,
    records: [],
    deployment: deps.deployment ?? DEFAULT_DEPLOYMENT,
    trigger: { kind: 'alert' },
    minReplicas: fleet.minReplicas,
    removing: activity.removing,
  });
  if (!pick.picked) return endCandidacy(state, `${pick.reason}: ${pick.message}`, deps);

  const removal = await removalOf(primaryId, candidate, candidate.epoch);
  const requestId = requestIdFor(removalScopeOf(removal.requester), removal.idempotencyKey);
  const at = now.toISOString();
  const { result: claimed } = await updateFleetState(
    primaryId,
    (current) => {
      const still = current.candidate;
      if (still?.since !== candidate.since || still.epoch !== candidate.epoch) {
        return { state: current, result: false, write: false };
      }
      const epoch = current.epoch + 1;
      return {
        state: {
          ...current,
          epoch,
          candidate: { ...still, epoch },
          lastScaleIn: { at, requestId, epoch: candidate.epoch, since: candidate.since },
        },
        result: true,
      };
    },
    deps.store,
  );
  if (!claimed) {
    logger.info('scale-in: step taken by another cycle, or an alert fired', log);
    return {};
  }
  const { record, replayed } = await submitRemoval(removal, deps);
  logger.info('scale-in: removal requested', {
    ...log,
    requestId: record.requestId,
    replayed,
    replicas: pick.currentReplicas,
    minReplicas: fleet.minReplicas,
  });
  return { requested: record.requestId };
};

/**
 * The removal a candidacy's step asks for; the same fields for every poller that reads the step. The
 * removal schema loads at the first step: it is no part of an ordinary poll cycle.
 */
const removalOf = async (
  primaryId: string,
  candidate: ScaleInCandidate,
  epoch: number,
): Promise<StoredRemoval> => {
  const { parseReplicaRemoval } = await import('#shared/domain/removal-request.ts');
  const body = parseReplicaRemoval({
    MasterDBInstanceId: primaryId,
    ...(candidate.region ? { Region: candidate.region } : {}),
    ...(candidate.callbackUrl ? { callback: { url: candidate.callbackUrl } } : {}),
  });
  return {
    ...body,
    idempotencyKey: scaleInIdempotencyKey(primaryId, { since: candidate.since, epoch }),
    requester: {
      source: candidate.source,
      identity: SCALE_IN_IDENTITY,
      context: {
        alertname: candidate.alertName,
        candidateSince: candidate.since,
        scaleInStep: String(epoch),
      },
    },
    trigger: { kind: 'alert' },
  };
};

/** Ends the candidacy (if it is still the one read) and says why, once. */
const endCandidacy = async (
  state: FleetState,
  reason: string,
  deps: ScaleInDependencies,
): Promise<StepOutcome> => {
  const since = state.candidate?.since;
  const at = deps.clock.now().toISOString();
  const { result: ended } = await updateFleetState(
    state.primaryId,
    (current) => {
      if (current.candidate?.since !== since) return { state: current, result: false, write: false };
      const { candidate: _ended, ...rest } = current;
      return { state: { ...rest, ended: { at, reason } }, result: true };
    },
    deps.store,
  );
  if (ended) logger.info('scale-in: candidacy ended', { primaryId: state.primaryId, since, reason });
  return ended ? { ended: true } : {};
};
