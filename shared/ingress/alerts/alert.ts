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
  /** Stable facts about the alert (no values that change between repeats), kept on the request. */
  readonly context: Readonly<Record<string, string>>;
}

/** An alert acknowledged but not turned into a request, and why (logged and answered). */
export interface IgnoredAlert {
  readonly alertName: string;
  readonly reason: string;
}

export type AlertReading =
  | { readonly kind: 'firing'; readonly alert: FiringAlert }
  | { readonly kind: 'ignored'; readonly ignored: IgnoredAlert };

export const firing = (alert: FiringAlert): AlertReading => ({ kind: 'firing', alert });

export const ignored = (alertName: string, reason: string): AlertReading => ({
  kind: 'ignored',
  ignored: { alertName, reason },
});

/** A label or dimension value as it may appear in a reason: bounded, control characters removed. */
export const shown = (value: string, max = 64): string => {
  const clean = value.replace(/[\p{Cc}]/gu, '?');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
};
