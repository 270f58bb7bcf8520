import { withFiring, withResolved } from '#shared/domain/fleet-state.ts';
import type { Policy } from '#shared/domain/policy.ts';
import { findPrimaryPolicy } from '#shared/domain/policy.ts';
import { fleetPolicyOf } from '#shared/domain/policy-fleet.ts';
import type { FiringAlert, ResolvedAlert } from '#shared/ingress/alerts/alert.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { FleetStateStore } from '#shared/ports/fleet-state-store.ts';
import { updateFleetState } from '#shared/use-cases/fleet-state-update.ts';

/**
 * What the alert ingress tells scale-in (issue #14): each firing alert of a primary whose policy has
 * `scaleIn.enabled` is noted (its `lastFiredAt`, and that it fires); each resolved one may make the
 * primary a scale-in candidate. Both are conditional writes of the primary's fleet state. The
 * poller's `scale-in-step.ts` acts on candidates.
 */

export interface CandidacyDependencies {
  readonly store: FleetStateStore;
  readonly clock: Clock;
  readonly policy: Policy;
}

export type Candidacy =
  /** The primary is a scale-in candidate (made now, or already). */
  | { readonly candidate: true; readonly epoch: number; readonly since: string }
  /** Nothing recorded, and why (answered to the source). */
  | { readonly candidate: false; readonly reason: string };

const scaleInOf = (primaryId: string, policy: Policy) => {
  const match = findPrimaryPolicy(policy, primaryId);
  return { match, scaleIn: fleetPolicyOf(match?.entry).scaleIn };
};

/**
 * A repeat of a firing alert already noted this recently (and with no candidacy to end) changes
 * nothing worth a write: an alert storm on one primary makes one write, not one per repeat, and the
 * stable window is off by at most this much.
 */
export const FIRING_NOTE_FRESH_MS = 10_000;

/** Notes a firing alert for a primary with scale-in enabled (others are not remembered). */
export const noteFiring = async (alert: FiringAlert, deps: CandidacyDependencies): Promise<void> => {
  if (!scaleInOf(alert.primaryId, deps.policy).scaleIn.enabled) return;
  const now = deps.clock.now();
  await updateFleetState(
    alert.primaryId,
    (state) => {
      const noted = state.firing[alert.key];
      const fresh = noted !== undefined && Date.parse(noted.at) >= now.getTime() - FIRING_NOTE_FRESH_MS;
      if (fresh && !state.candidate) return { state, result: undefined, write: false };
      return { state: withFiring(state, alert, now), result: undefined };
    },
    deps.store,
  );
};

/**
 * A resolved alert: ignored (with the reason) when the primary's policy has no `scaleIn.enabled`;
 * else the primary becomes a candidate unless another of its alerts is still firing.
 */
export const noteResolved = async (
  alert: ResolvedAlert,
  deps: CandidacyDependencies,
  callbackUrl?: string,
): Promise<Candidacy> => {
  const { match, scaleIn } = scaleInOf(alert.primaryId, deps.policy);
  if (!scaleIn.enabled) {
    const why = !match
      ? 'no policy entry covers it'
      : match.entry.scaleIn
        ? 'scaleIn.enabled is false'
        : 'its policy entry has no scaleIn';
    return { candidate: false, reason: `resolved; scale-in is off for ${alert.primaryId} (${why})` };
  }
  const now = deps.clock.now();
  const { state, result } = await updateFleetState(
    alert.primaryId,
    (current) => {
      const outcome = withResolved(current, alert, now, callbackUrl);
      return { state: outcome.state, result: outcome };
    },
    deps.store,
  );
  if (result.outcome === 'still-firing') {
    return {
      candidate: false,
      reason: `resolved; not a scale-in candidate while ${result.firing.join(', ')} still fire(s)`,
    };
  }
  return { candidate: true, epoch: result.epoch, since: state.candidate?.since ?? now.toISOString() };
};
