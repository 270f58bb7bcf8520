import { setTimeout as sleep } from 'node:timers/promises';
import { SCALE_IN_PRIMARY, type ScaleInAlertsRun } from '#local/chaos/scale-in-alerts.ts';
import type { ReceivedWebhook } from '#local/stack/webhook-receiver.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import { isTerminal } from '#shared/domain/request-state.ts';
import type { FleetStateStore } from '#shared/ports/fleet-state-store.ts';

/** The scale-in half of the chaos report (`scaleIns` on the JSON line). */
export interface ScaleInOutcomes {
  /** Alertmanager notifications sent (firing and resolved), and resolves sent again. */
  readonly alertsSent: number;
  readonly resolvedReplays: number;
  /** Alert notifications the route did not answer 200 (must be 0). */
  readonly alertsRefused: number;
  /** Candidacies the resolved alerts made. */
  readonly candidacies: number;
  /** Removals the candidacy that an alert firing again ended made (must be 0). */
  readonly stepsOfCancelled: number;
  /** Removal requests the poller's scale-in steps recorded, and how many of them ended. */
  readonly requested: number;
  readonly terminal: number;
  /** Steps whose replica was isolated (DESTROYED, or REMOVED into the recycle bin). */
  readonly removed: number;
  /** Steps refused at validation (a race brought the primary to its minimum, the replica went). */
  readonly refused: number;
  /** Requests (steps, and the firing alerts' own) not terminal at the end. */
  readonly lost: number;
  /** Terminal requests (steps, and the firing alerts') whose ending webhook never arrived. */
  readonly webhooksMissing: number;
  /** Webhook-ids these requests' endings account for (one per terminal request). */
  readonly endings: number;
  /** The last candidacy ended (the minimum reached) before the run stopped waiting for it. */
  readonly lastCandidacyEnded: boolean;
  readonly states: Readonly<Record<string, number>>;
}

/** What the run hands the report: the alerts' answers, the steps found, whether the candidacy ended. */
export interface ScaleInRun {
  readonly alerts: ScaleInAlertsRun;
  /** Step request ids per candidacy (`since`). */
  readonly steps: ReadonlyMap<string, readonly string[]>;
  readonly lastCandidacyEnded: boolean;
}

/**
 * Until the chaos primary's last candidacy has ended (the alert fired again; or its minimum reached)
 * or the deadline: its steps are then all recorded.
 */
export const waitForCandidacyEnd = async (store: FleetStateStore, deadline: number): Promise<boolean> => {
  for (;;) {
    const state = await store.getFleetState(SCALE_IN_PRIMARY.id);
    if (state && !state.candidate) return true;
    if (Date.now() > deadline) return false;
    await sleep(250);
  }
};

export const scaleInOutcomes = (
  { alerts: run, steps, lastCandidacyEnded }: ScaleInRun,
  records: ReadonlyMap<string, RequestRecord | undefined>,
  webhooks: readonly ReceivedWebhook[],
  note: (problem: string, id: string) => void,
): ScaleInOutcomes => {
  const delivered = new Set(webhooks.map((webhook) => `${webhook.payload.data.requestId}:${webhook.id}`));
  const stepIds = [...steps.values()].flat();
  const states: Record<string, number> = {};
  let terminal = 0;
  let lost = 0;
  let webhooksMissing = 0;
  let endings = 0;
  for (const requestId of [...stepIds, ...run.firingRequestIds]) {
    const record = records.get(requestId);
    const step = stepIds.includes(requestId);
    if (step && record) states[record.state] = (states[record.state] ?? 0) + 1;
    if (!record || !isTerminal(record.state)) {
      lost += 1;
      note('scaleInsLost', requestId);
      continue;
    }
    if (step) terminal += 1;
    endings += 1;
    const webhookId = record.notification?.webhookId;
    if (!webhookId || !delivered.has(`${requestId}:${webhookId}`)) {
      webhooksMissing += 1;
      note('scaleInWebhooksMissing', requestId);
    }
  }
  return {
    alertsSent: run.sent,
    resolvedReplays: run.resolvedReplays,
    alertsRefused: run.refused.length,
    candidacies: run.candidacies.length,
    stepsOfCancelled: run.cancelled ? (steps.get(run.cancelled.since)?.length ?? 0) : 0,
    requested: stepIds.length,
    terminal,
    removed: (states.DESTROYED ?? 0) + (states.REMOVED ?? 0),
    refused: (states.SUPPRESSED ?? 0) + (states.REJECTED ?? 0),
    lost,
    webhooksMissing,
    endings,
    lastCandidacyEnded,
    states,
  };
};
