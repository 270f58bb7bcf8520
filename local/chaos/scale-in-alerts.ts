import { setTimeout as sleep } from 'node:timers/promises';
import type { ChaosRandom } from '#local/chaos/chaos-random.ts';
import { SCALE_IN_PRIMARY, type SentCandidacy, stepIdOf } from '#local/chaos/scale-in-steps.ts';
import { isTerminal } from '#shared/domain/request-state.ts';
import type { RequestStore } from '#shared/ports/request-store.ts';

export { SCALE_IN_PRIMARY, type SentCandidacy } from '#local/chaos/scale-in-steps.ts';

/**
 * Scale-in steps the run lets end before the alert fires again (the load is back): a few, not the
 * primary's whole fleet — each step waits for the previous removal to end (seconds under faults).
 */
export const STEPS_BEFORE_LOAD_RETURNS = 2;
/** How long the run waits for those steps before the alert fires again anyway. */
const STEPS_WAIT_MS = 25_000;

const ALERT_NAME = 'OrdersDbHighCPU';

/** What the chaos run's alerts did: the route's answers, not the poller's work (scale-in-outcomes.ts). */
export interface ScaleInAlertsRun {
  /** Alertmanager notifications POSTed (a 5xx retried counts once). */
  readonly sent: number;
  /** Resolved notifications sent again with the same body (Alertmanager's retries, a second replica of it). */
  readonly resolvedReplays: number;
  /** Requests the firing alerts were recorded as (the primary has no scale-out: each ends SUPPRESSED). */
  readonly firingRequestIds: readonly string[];
  /** Every candidacy the resolved alerts made, the cancelled one included. */
  readonly candidacies: readonly SentCandidacy[];
  /** The candidacy an alert firing again during its stable window ended. */
  readonly cancelled: SentCandidacy | undefined;
  /** Answers that were not 200 after the retries (must be none). */
  readonly refused: readonly string[];
}

interface RouteAnswer {
  readonly accepted?: readonly { readonly requestId: string }[];
  readonly scaleIn?: readonly {
    readonly primaryId: string;
    readonly since: string;
    readonly epoch: number;
  }[];
}

/** One Alertmanager webhook (version 4) for the chaos primary's alert, firing or resolved. */
const notification = (fingerprint: string, startsAt: string, resolvedAt?: string): string => {
  const status = resolvedAt ? 'resolved' : 'firing';
  const labels = {
    alertname: ALERT_NAME,
    instance_id: SCALE_IN_PRIMARY.id,
    region: SCALE_IN_PRIMARY.region,
    severity: 'warning',
  };
  return JSON.stringify({
    receiver: 'replica-flow',
    status,
    alerts: [
      {
        status,
        labels,
        annotations: { summary: `CPU > 80% on ${SCALE_IN_PRIMARY.id}` },
        startsAt,
        endsAt: resolvedAt ?? '0001-01-01T00:00:00Z',
        fingerprint,
      },
    ],
    groupLabels: { alertname: ALERT_NAME },
    commonLabels: labels,
    externalURL: 'http://alertmanager-0.monitoring:9093',
    version: '4',
    groupKey: `{}:{alertname="${ALERT_NAME}"}`,
    truncatedAlerts: 0,
  });
};

/**
 * The chaos run's alert-driven scale-in (issue #14), through the real alert route with the
 * Alertmanager bearer token while every fault runs: the chaos primary's alert fires and resolves
 * (a candidacy), fires again at once — inside `stableForSeconds`, so that candidacy ends with no
 * removal — then resolves for good, that resolve replayed (once at the same moment, once a little
 * later). The poller's scale-in steps then remove the primary's replicas one at a time (never below
 * its `minReplicas`), meeting the run's late creates, explicit removals and minimum restores; once
 * `STEPS_BEFORE_LOAD_RETURNS` of them ended, the alert fires again and that candidacy ends.
 */
export const sendScaleInAlerts = async (options: {
  readonly ingressUrl: string;
  readonly token: string;
  readonly random: ChaosRandom;
  readonly runId: string;
  readonly store: Pick<RequestStore, 'get'>;
}): Promise<ScaleInAlertsRun> => {
  const fingerprint = Buffer.from(options.runId).toString('hex').slice(0, 16);
  let sent = 0;
  const refused: string[] = [];
  const post = async (body: string): Promise<RouteAnswer> => {
    sent += 1;
    for (let attempt = 1; ; attempt += 1) {
      const answer = await fetch(new URL('/v1/alerts/alertmanager', options.ingressUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
        body,
      });
      const text = await answer.text();
      if (answer.status === 200) return JSON.parse(text) as RouteAnswer;
      // Alertmanager retries a 5xx with the same body; anything else is the route refusing it.
      if (answer.status < 500 || attempt >= 5) {
        refused.push(`${answer.status} ${text.slice(0, 200)}`);
        return {};
      }
      await sleep(200 * attempt);
    }
  };
  const firingRequestIds: string[] = [];
  const candidacies: SentCandidacy[] = [];
  const fire = async (startsAt: string) => {
    const answer = await post(notification(fingerprint, startsAt));
    for (const accepted of answer.accepted ?? []) firingRequestIds.push(accepted.requestId);
  };
  const resolve = async (startsAt: string): Promise<SentCandidacy | undefined> => {
    const answer = await post(notification(fingerprint, startsAt, new Date().toISOString()));
    const made = answer.scaleIn?.find((candidacy) => candidacy.primaryId === SCALE_IN_PRIMARY.id);
    if (!made) return undefined;
    const candidacy = { since: made.since, epoch: made.epoch };
    if (!candidacies.some((known) => known.since === candidacy.since)) candidacies.push(candidacy);
    return candidacy;
  };

  const first = new Date().toISOString();
  await fire(first);
  const cancelled = await resolve(first);
  // The load comes back before the stable window ends: the candidacy ends, no replica is removed.
  const second = new Date(Date.now() + 1).toISOString();
  await fire(second);
  // Resolved for good, and Alertmanager delivers that resolve more than once.
  const replayed = resolve(second);
  await Promise.all([replayed, resolve(second)]);
  await sleep(options.random.int(100, 1500));
  const last = await resolve(second);
  // A few steps end (each removing one replica), then the load comes back: the candidacy ends.
  if (last) await stepsEnded(options.store, last, STEPS_BEFORE_LOAD_RETURNS, Date.now() + STEPS_WAIT_MS);
  await fire(new Date().toISOString());
  return {
    sent,
    resolvedReplays: 2,
    firingRequestIds,
    candidacies,
    cancelled,
    refused,
  };
};

/** Until the candidacy's first `count` steps are recorded and ended, or the deadline. */
const stepsEnded = async (
  store: Pick<RequestStore, 'get'>,
  candidacy: SentCandidacy,
  count: number,
  deadline: number,
): Promise<void> => {
  for (let step = 0; step < count; ) {
    const record = await store.get(stepIdOf(candidacy, step));
    if (record && isTerminal(record.state)) step += 1;
    else if (Date.now() > deadline) return;
    else await sleep(200);
  }
};
