import { ALERT_SOURCES, type AlertSource } from '#shared/domain/alert-sources.ts';
import * as z from '#shared/util/zod-mini.ts';

/**
 * What replica-flow remembers of one primary's alerts, for scale-in (issue #14): one record per
 * primary in the request table (`FleetStateStore`), every write conditional on its `version`.
 *
 * - A firing alert notes itself in `firing` (by its stable key at the source) and `lastFiredAt`, and
 *   ends any scale-in candidacy: scale in slowly, and never while an alert fires.
 * - A resolved alert takes its key out of `firing`; when no other alert of the primary is firing,
 *   the primary becomes a scale-in `candidate` (the poller's `scale-in-step.ts` acts on it).
 * - Each step the poller takes hands out a new `epoch`: the removal's idempotency key is made of the
 *   candidate and its epoch, so retries and concurrent pollers make one request per step.
 */

const ISO = z.iso.datetime({ offset: true });

/** At most this many alerts are remembered firing per primary (the oldest are forgotten first). */
export const MAX_FIRING_REMEMBERED = 32;
/**
 * A firing alert that neither repeats nor resolves for this long is forgotten (a lost "resolved"
 * must not block scale-in for ever). Sources re-send a firing alert well within it (Alertmanager's
 * `repeat_interval` defaults to 4 h); a CloudWatch alarm that stays in ALARM sends nothing more.
 */
export const FIRING_MEMORY_HOURS = 24;

export const scaleInCandidateSchema = z.strictObject({
  /** The step this candidate's next removal is: its idempotency key's last part. */
  epoch: z.int().check(z.gte(1)),
  /** When the resolved alert made the primary a candidate (ISO-8601). */
  since: ISO,
  source: z.enum(ALERT_SOURCES as unknown as readonly [AlertSource, ...AlertSource[]]),
  alertName: z.string().check(z.minLength(1), z.maxLength(256)),
  /** The primary's region, when the alert said it. */
  region: z.optional(z.string()),
  /** Where the removal's webhooks go (`ALERT_CALLBACK_URL` when the alert was received). */
  callbackUrl: z.optional(z.string()),
});
export type ScaleInCandidate = z.infer<typeof scaleInCandidateSchema>;

export const fleetStateSchema = z.strictObject({
  primaryId: z.string().check(z.minLength(1)),
  /** 1 on the first write; every write is conditional on the version read. */
  version: z.int().check(z.gte(1)),
  /** The last epoch handed out (epochs never repeat for a primary). */
  epoch: z.int().check(z.gte(0)),
  /** When a firing alert of the primary was last received (ISO-8601). */
  lastFiredAt: z.optional(ISO),
  /** Alerts firing now as far as replica-flow heard: key at the source → when last received. */
  firing: z.record(z.string(), z.strictObject({ at: ISO, alertName: z.string() })),
  candidate: z.optional(scaleInCandidateSchema),
  /**
   * The last scale-in step, claimed (this write) before its removal is recorded: `requestId` is the
   * removal's id, `since` the candidacy it was a step of (a claimed step whose removal a crash left
   * unrecorded is recorded by the next cycle, while that candidacy lasts).
   */
  lastScaleIn: z.optional(z.strictObject({ at: ISO, requestId: z.string(), epoch: z.int(), since: ISO })),
  /** Why the last candidacy ended without (another) removal. */
  ended: z.optional(z.strictObject({ at: ISO, reason: z.string() })),
});
export type FleetState = z.infer<typeof fleetStateSchema>;

/** The state of a primary never heard of. */
export const emptyFleetState = (primaryId: string): FleetState => ({
  primaryId,
  version: 0,
  epoch: 0,
  firing: {},
});

/** An alert of the primary, by its stable identity at its source (no time in it). */
export interface FleetAlert {
  readonly source: AlertSource;
  readonly alertName: string;
  /** Stable across the alert's repeats, its resolve included (fingerprint, policy + object, alarm ARN). */
  readonly key: string;
  readonly region?: string | undefined;
}

const remembered = (firing: FleetState['firing'], now: Date): FleetState['firing'] => {
  const horizon = now.getTime() - FIRING_MEMORY_HOURS * 3600 * 1000;
  const kept = Object.entries(firing)
    .filter(([, entry]) => Date.parse(entry.at) >= horizon)
    .sort(([, a], [, b]) => b.at.localeCompare(a.at))
    .slice(0, MAX_FIRING_REMEMBERED);
  return Object.fromEntries(kept);
};

/** Pure: the state after a firing alert: remembered firing, `lastFiredAt`, no candidacy. */
export const withFiring = (state: FleetState, alert: FleetAlert, now: Date): FleetState => {
  const at = now.toISOString();
  const { candidate: _ended, ...rest } = state;
  return {
    ...rest,
    lastFiredAt: state.lastFiredAt && state.lastFiredAt > at ? state.lastFiredAt : at,
    firing: remembered({ ...state.firing, [alert.key]: { at, alertName: alert.alertName } }, now),
    ...(state.candidate ? { ended: { at, reason: `${alert.alertName} fired` } } : {}),
  };
};

export type ResolvedOutcome =
  | { readonly outcome: 'candidate'; readonly state: FleetState; readonly epoch: number }
  | { readonly outcome: 'still-firing'; readonly state: FleetState; readonly firing: readonly string[] };

/**
 * Pure: the state after a resolved alert: it is no longer firing; if no other alert of the primary
 * is, the primary is a scale-in candidate (an existing candidacy is kept as it is: a repeat of the
 * resolve changes nothing).
 */
export const withResolved = (
  state: FleetState,
  alert: FleetAlert,
  now: Date,
  callbackUrl?: string,
): ResolvedOutcome => {
  const { [alert.key]: _resolved, ...others } = state.firing;
  const firing = remembered(others, now);
  const stillFiring = Object.values(firing).map((entry) => entry.alertName);
  if (stillFiring.length > 0) {
    return { outcome: 'still-firing', state: { ...state, firing }, firing: stillFiring };
  }
  if (state.candidate)
    return { outcome: 'candidate', state: { ...state, firing }, epoch: state.candidate.epoch };
  const epoch = state.epoch + 1;
  const candidate: ScaleInCandidate = {
    epoch,
    since: now.toISOString(),
    source: alert.source,
    alertName: alert.alertName.slice(0, 256) || alert.source,
    ...(alert.region ? { region: alert.region } : {}),
    ...(callbackUrl ? { callbackUrl } : {}),
  };
  return { outcome: 'candidate', state: { ...state, firing, epoch, candidate }, epoch };
};

/** The idempotency key of a candidate's step: the same for every poller that reads this candidate. */
export const scaleInIdempotencyKey = (
  primaryId: string,
  candidate: Pick<ScaleInCandidate, 'since' | 'epoch'>,
): string => `scale-in:${primaryId}:${candidate.since}#${candidate.epoch}`;

/** Parses a stored fleet state (the store's border). */
export const parseFleetState = (input: unknown): FleetState => z.parse(fleetStateSchema, input);
