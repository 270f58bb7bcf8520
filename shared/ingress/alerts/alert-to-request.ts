import { createHash } from 'node:crypto';
import type { AlertSource } from '#shared/domain/alert-sources.ts';
import type { Policy } from '#shared/domain/policy.ts';
import { findPrimaryPolicy } from '#shared/domain/policy.ts';
import type { RequestState } from '#shared/domain/request-state.ts';
import type { StoredReplicaRequest } from '#shared/domain/stored-request.ts';
import { parseStoredRequest } from '#shared/domain/stored-request.ts';
import { IdempotencyConflictError, ValidationError } from '#shared/errors.ts';
import type { AlertReading, FiringAlert, IgnoredAlert } from '#shared/ingress/alerts/alert.ts';
import { logger } from '#shared/logger.ts';
import type { FleetStateStore } from '#shared/ports/fleet-state-store.ts';
import type { RequestStore } from '#shared/ports/request-store.ts';
import { noteFiring, noteResolved } from '#shared/use-cases/scale-in-candidacy.ts';
import type { SubmitDependencies } from '#shared/use-cases/submit-request.ts';
import { submitRequest } from '#shared/use-cases/submit-request.ts';

export interface AlertSubmitDependencies extends SubmitDependencies {
  /** Also the fleet states: alerts of primaries with scale-in are noted there (`scale-in-candidacy.ts`). */
  readonly store: RequestStore & FleetStateStore;
  readonly policy: Policy;
  /** Completion webhook for alert-driven requests (`ALERT_CALLBACK_URL`), when set. */
  readonly callbackUrl?: string;
}

/** A firing alert recorded as a request (or found recorded already). */
export interface AlertSubmission {
  readonly alertName: string;
  readonly primaryId: string;
  readonly requestId: string;
  readonly state: RequestState;
  /** True when this firing was seen before (same dedupe values): nothing new was recorded. */
  readonly replayed: boolean;
}

/** A resolved alert that made (or found) its primary a scale-in candidate. */
export interface ScaleInCandidacy {
  readonly alertName: string;
  readonly primaryId: string;
  /** The step the poller takes next for this candidate. */
  readonly epoch: number;
  /** When the primary became a candidate (ISO-8601). */
  readonly since: string;
}

export interface AlertReceipt {
  readonly accepted: readonly AlertSubmission[];
  /** Resolved alerts that made their primary a scale-in candidate. */
  readonly scaleIn: readonly ScaleInCandidacy[];
  readonly ignored: readonly IgnoredAlert[];
}

const MAX_CONTEXT_ENTRIES = 32;
const MAX_CONTEXT_VALUE = 2048;
const MAX_IDENTITY = 256;

/**
 * `<source>:` + 40 hex characters of SHA-256 over the source's dedupe values: printable, bounded,
 * and the same for every repeat of one firing (the values themselves are on `requester.context`).
 */
export const alertIdempotencyKey = (source: AlertSource, dedupe: readonly string[]): string =>
  `${source}:${createHash('sha256').update(JSON.stringify(dedupe), 'utf8').digest('hex').slice(0, 40)}`;

const boundedContext = (context: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(context)
      .filter(([key, value]) => key.length > 0 && key.length <= 64 && value !== '')
      .slice(0, MAX_CONTEXT_ENTRIES)
      .map(([key, value]) => [key, value.slice(0, MAX_CONTEXT_VALUE)]),
  );

/**
 * A firing alert for a primary → the scale-out request: one replica with the primary's
 * `scaleOut.profile` (fields it leaves out come from the policy's `defaults` at validation),
 * keyed by the source's dedupe rule, the alert recorded as the requester. Whether it may scale
 * out (enabled, maximum, cooldown) is the scale-out gate's decision in `validate`, not this one's.
 * Throws `ValidationError` when the alert and the profile do not make a valid request.
 */
export const alertToRequest = (
  alert: FiringAlert,
  deps: { readonly policy: Policy; readonly callbackUrl?: string },
): StoredReplicaRequest => {
  const profile = findPrimaryPolicy(deps.policy, alert.primaryId)?.entry.scaleOut?.profile ?? {};
  return parseStoredRequest({
    MasterDBInstanceId: alert.primaryId,
    ...(alert.region ? { Region: alert.region } : {}),
    ...profile,
    InstanceCount: 1,
    idempotencyKey: alertIdempotencyKey(alert.source, alert.dedupe),
    requester: {
      source: alert.source,
      identity: alert.alertName.slice(0, MAX_IDENTITY) || alert.source,
      context: boundedContext(alert.context),
    },
    ...(deps.callbackUrl ? { callback: { url: deps.callbackUrl } } : {}),
  });
};

/**
 * Records every firing alert as a RECEIVED request (queued for validation), notes it in the
 * primary's fleet state when the primary has scale-in, makes a primary whose alert resolved a
 * scale-in candidate (when its policy has `scaleIn.enabled`), and collects the ignored ones, logging
 * each decision. A repeat of a firing is answered with its request; one whose
 * payload changed meanwhile (the policy's profile was edited) is treated as the same firing.
 * Store or queue failures propagate: the source gets a 5xx and retries.
 */
export const submitAlerts = async (
  readings: readonly AlertReading[],
  deps: AlertSubmitDependencies,
): Promise<AlertReceipt> => {
  const accepted: AlertSubmission[] = [];
  const candidates: ScaleInCandidacy[] = [];
  const skipped: IgnoredAlert[] = [];
  for (const reading of readings) {
    if (reading.kind === 'ignored') {
      skipped.push(reading.ignored);
      logger.info('alert ignored', { alertName: reading.ignored.alertName, reason: reading.ignored.reason });
      continue;
    }
    if (reading.kind === 'resolved') {
      const { alert } = reading;
      const candidacy = await noteResolved(alert, deps, deps.callbackUrl);
      const log = { source: alert.source, alertName: alert.alertName, primaryId: alert.primaryId };
      if (candidacy.candidate) {
        const { epoch, since } = candidacy;
        candidates.push({ alertName: alert.alertName, primaryId: alert.primaryId, epoch, since });
        logger.info('alert resolved: scale-in candidate', { ...log, epoch, since });
      } else {
        skipped.push({ alertName: alert.alertName, reason: candidacy.reason });
        logger.info('alert ignored', { ...log, reason: candidacy.reason });
      }
      continue;
    }
    const { alert } = reading;
    // Noted first: the alert fired whether or not a request can be made of it.
    await noteFiring(alert, deps);
    const outcome = await submitOne(alert, deps);
    if ('reason' in outcome) {
      skipped.push(outcome);
      logger.warn('alert ignored', {
        source: alert.source,
        alertName: alert.alertName,
        reason: outcome.reason,
      });
      continue;
    }
    accepted.push(outcome);
    logger.info('alert recorded', {
      source: alert.source,
      alertName: alert.alertName,
      primaryId: alert.primaryId,
      requestId: outcome.requestId,
      replayed: outcome.replayed,
    });
  }
  return { accepted, scaleIn: candidates, ignored: skipped };
};

const submitOne = async (
  alert: FiringAlert,
  deps: AlertSubmitDependencies,
): Promise<AlertSubmission | IgnoredAlert> => {
  let request: StoredReplicaRequest;
  try {
    request = alertToRequest(alert, deps);
  } catch (error) {
    if (error instanceof ValidationError) {
      return { alertName: alert.alertName, reason: `cannot make a request of it: ${error.message}` };
    }
    throw error;
  }
  const base = { alertName: alert.alertName, primaryId: alert.primaryId };
  try {
    const { record, replayed } = await submitRequest(request, deps);
    return { ...base, requestId: record.requestId, state: record.state, replayed };
  } catch (error) {
    if (!(error instanceof IdempotencyConflictError)) throw error;
    const existing = await deps.store.get(error.existingRequestId);
    return {
      ...base,
      requestId: error.existingRequestId,
      state: existing?.state ?? 'RECEIVED',
      replayed: true,
    };
  }
};
