import type { FleetState } from '#shared/domain/fleet-state.ts';
import type { ScaleInPolicy } from '#shared/domain/policy-fleet.ts';

/**
 * When scale-in may next act for a primary (Aurora's asymmetry: scale out fast, scale in slowly):
 * not before `stableForSeconds` after the later of the last firing alert and the resolve that made
 * the primary a candidate, and not before `cooldownSeconds` after the primary's last fleet change
 * (a scale-out, or a scale-in ended), nor while the primary's sequence marker holds removals back.
 * Pure; the poller and the fleet view both read it.
 */
export interface ScaleInTiming {
  /** Epoch milliseconds. */
  readonly notBefore: number;
  /** What `notBefore` is set by. */
  readonly boundBy: 'stable' | 'cooldown' | 'now';
  /** When the stable window started (ISO-8601), when known. */
  readonly stableSince?: string;
}

const later = (...times: readonly (string | undefined)[]): string | undefined =>
  times
    .filter((time): time is string => time !== undefined && !Number.isNaN(Date.parse(time)))
    .sort()
    .at(-1);

export const scaleInTiming = (input: {
  readonly state: Pick<FleetState, 'candidate' | 'lastFiredAt'> | undefined;
  readonly scaleIn: Pick<ScaleInPolicy, 'stableForSeconds' | 'cooldownSeconds'>;
  /** The primary's last fleet change (ISO-8601), when there was one. */
  readonly lastChangeAt: string | undefined;
  /** Until when the primary's sequence marker holds a removal back (ISO-8601), if it does. */
  readonly heldUntil?: string | undefined;
  readonly now: Date;
}): ScaleInTiming => {
  const stableSince = later(input.state?.lastFiredAt, input.state?.candidate?.since);
  const stableUntil = stableSince ? Date.parse(stableSince) + input.scaleIn.stableForSeconds * 1000 : 0;
  const cooledUntil = input.lastChangeAt
    ? Date.parse(input.lastChangeAt) + input.scaleIn.cooldownSeconds * 1000
    : 0;
  const heldUntil = input.heldUntil ? Date.parse(input.heldUntil) + 1 : 0;
  const coolUntil = Math.max(cooledUntil, heldUntil);
  const now = input.now.getTime();
  const notBefore = Math.max(now, stableUntil, coolUntil);
  const boundBy = notBefore === now ? 'now' : stableUntil >= coolUntil ? 'stable' : 'cooldown';
  return { notBefore, boundBy, ...(stableSince ? { stableSince } : {}) };
};

/** The latest of ISO-8601 times (invalid and absent ones left out). */
export const latestOf = later;
