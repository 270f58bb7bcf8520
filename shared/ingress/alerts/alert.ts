import type { AlertSource } from '#shared/domain/alert-sources.ts';
import type { Region } from '#shared/domain/replica-request-fields.ts';

/** One firing alert that names a Tencent primary, in every source's terms the same. */
export interface FiringAlert {
  readonly source: AlertSource;
  /** The alert's name at its source: recorded as the requester's identity. */
  readonly alertName: string;
  readonly primaryId: string;
  /** When the alert says where the primary lives; otherwise the policy's default applies. */
  readonly region?: Region;
  /** The values that identify one firing at the source (its dedupe rule): the idempotency key's input. */
  readonly dedupe: readonly string[];
  /**
   * The alert's identity at its source, the same for its firing and its resolve (fingerprint, policy
   * and object, alarm ARN): which alert of the primary is firing (`fleet-state.ts`).
   */
  readonly key: string;
  /** Stable facts about the alert (no values that change between repeats), kept on the request. */
  readonly context: Readonly<Record<string, string>>;
}

/**
 * A resolved (recovered, OK) alert that names a Tencent primary: it may make the primary a scale-in
 * candidate (`scale-in-candidacy.ts`), when its policy has `scaleIn.enabled`.
 */
export interface ResolvedAlert {
  readonly source: AlertSource;
  readonly alertName: string;
  readonly primaryId: string;
  readonly region?: Region;
  /** As `FiringAlert.key`: the same alert's firing had this key. */
  readonly key: string;
}

/** An alert acknowledged but not turned into a request, and why (logged and answered). */
export interface IgnoredAlert {
  readonly alertName: string;
  readonly reason: string;
}

export type AlertReading =
  | { readonly kind: 'firing'; readonly alert: FiringAlert }
  | { readonly kind: 'resolved'; readonly alert: ResolvedAlert }
  | { readonly kind: 'ignored'; readonly ignored: IgnoredAlert };

export const firing = (alert: FiringAlert): AlertReading => ({ kind: 'firing', alert });

export const resolved = (alert: ResolvedAlert): AlertReading => ({ kind: 'resolved', alert });

export const ignored = (alertName: string, reason: string): AlertReading => ({
  kind: 'ignored',
  ignored: { alertName, reason },
});

/** A label or dimension value as it may appear in a reason: bounded, control characters removed. */
export const shown = (value: string, max = 64): string => {
  const clean = value.replace(/[\p{Cc}]/gu, '?');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
};
