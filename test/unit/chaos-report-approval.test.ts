import { describe, expect, it } from 'vitest';
import { chaosReport } from '#local/chaos/chaos-report.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import { notification } from '#test/fixtures/request-records.ts';
import { awaitingRecord } from '#test/support/approval-harness.ts';
import { creationOf, minutesFromStart } from '#test/support/core-harness.ts';

const ATTEMPTS = {
  notifications: 1,
  total: 1,
  max: 1,
  p99: 1,
  bound: '',
  boundOfMax: 1,
  exceeded: 0,
  held: true,
};

/** The report of a run of one request that ended READY with `record`'s approval. */
const reportOf = (change: (record: RequestRecord) => RequestRecord) => {
  const base = awaitingRecord();
  const record = change({
    ...base,
    state: 'READY',
    creation: creationOf(base.requestId, { instanceIds: [] }),
    notification: notification('DELIVERED'),
  });
  return chaosReport({
    seed: 1,
    submissions: [{ idempotencyKey: record.idempotencyKey, body: {}, replay: false, expect: 'replica' }],
    requestIds: new Map([[record.idempotencyKey, record.requestId]]),
    records: new Map([[record.requestId, record]]),
    instances: [],
    webhooks: [],
    webhookAttempts: ATTEMPTS,
    faults: {},
    durationMs: 1,
    removals: { submissions: [], requestIds: new Map(), refusedAtBorder: new Map() },
    scaleIns: {
      alerts: {
        sent: 0,
        resolvedReplays: 0,
        firingRequestIds: [],
        candidacies: [],
        cancelled: undefined,
        refused: [],
      },
      steps: new Map(),
      lastCandidacyEnded: true,
    },
    foreignIds: new Set(),
    minimumRequests: new Map(),
    fleet: { foreignInstancesTouched: 0, primariesTouched: 0, removedBelowMinimum: 0, duplicateRemovals: 0 },
  });
};

describe("the chaos report's createdWithoutApproval", () => {
  it('counts a request that needed approval and was created with no approve decision', () => {
    expect(reportOf((record) => record).createdWithoutApproval).toBe(1);
  });

  it('does not count one created after an approve decision in its history', () => {
    const report = reportOf((record) => ({
      ...record,
      approval: {
        ...(record.approval as NonNullable<RequestRecord['approval']>),
        decision: { decision: 'approve', by: { source: 'slack', id: 'U0BOSS' }, at: minutesFromStart(1) },
      },
      history: [
        ...record.history,
        { state: 'VALIDATED', at: minutesFromStart(1), note: 'approved by slack:U0BOSS' },
      ],
    }));

    expect(report.createdWithoutApproval).toBe(0);
  });
});
