import { describe, expect, it } from 'vitest';
import type { DynamoRequestStore } from '#shared/adapters/store/dynamo-request-store.ts';
import type { Approver } from '#shared/domain/approval-record.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import { type ApprovalOutcome, decideApproval } from '#shared/use-cases/decide-approval.ts';
import { pollInFlight } from '#shared/use-cases/poll-in-flight.ts';
import { approvalPolicy, awaitingRecord } from '#test/support/approval-harness.ts';
import { corePorts, minutesFromStart } from '#test/support/core-harness.ts';
import { useDynaliteStores } from '#test/support/dynalite-tables.ts';
import { fixedClock } from '#test/support/fixed-clock.ts';
import { InMemoryStore } from '#test/support/in-memory-store.ts';

const dynamo = useDynaliteStores('approval-races');

/** Every race runs on the in-memory store the unit tests use and on the real DynamoDB store (dynalite). */
const STORES: [string, () => Promise<InMemoryStore | DynamoRequestStore>][] = [
  ['the in-memory store', async () => new InMemoryStore()],
  ['the DynamoDB store (dynalite)', dynamo.store],
];

/** Each race many times on each store (every iteration a fresh record; 30 keeps the file near 10 s). */
const ITERATIONS = 30;
const BOSS: Approver = { source: 'slack', id: 'U0BOSS' };
const LEAD: Approver = { source: 'api', id: 'lead', role: 'approver' };

/** One waiting request, and the ports the two racers share (each with its own clock: two Lambdas). */
const race = async (makeStore: () => Promise<InMemoryStore | DynamoRequestStore>) => {
  const ports = { ...corePorts(), store: await makeStore() };
  const record = awaitingRecord();
  await ports.store.putNew(record);
  const deps = { ...ports, policy: approvalPolicy(), provisioningTimeoutMs: 30 * 60_000 };
  const decide = (decision: 'approve' | 'deny', approver: Approver) =>
    decideApproval(deps, { requestId: record.requestId, decision, approver });
  const settle = async () => ({
    record: (await ports.store.get(record.requestId)) as RequestRecord,
    creates: ports.queue.bodiesTo('create').length,
  });
  return { ...ports, record, decide, settle };
};

const decidedCount = (outcomes: readonly ApprovalOutcome[]) =>
  outcomes.filter((outcome) => outcome.kind === 'decided').length;

describe.each(STORES)(
  'approval races on %s: exactly one decision wins, the create is queued at most once',
  (_, makeStore) => {
    it(`two approvers approving at once (${ITERATIONS} times)`, async () => {
      for (let iteration = 0; iteration < ITERATIONS; iteration += 1) {
        const { decide, settle } = await race(makeStore);

        const outcomes = await Promise.all([decide('approve', BOSS), decide('approve', LEAD)]);

        const { record, creates } = await settle();
        expect({ iteration, decided: decidedCount(outcomes), creates, state: record.state }).toEqual({
          iteration,
          decided: 1,
          creates: 1,
          state: 'VALIDATED',
        });
        expect(record.history.filter((entry) => entry.state === 'VALIDATED')).toHaveLength(1);
      }
    });

    it(`an approve and a deny at once (${ITERATIONS} times): the record shows the one that won`, async () => {
      for (let iteration = 0; iteration < ITERATIONS; iteration += 1) {
        const { decide, settle } = await race(makeStore);
        // Alternate who goes first, so both orders are raced.
        const racers =
          iteration % 2 === 0
            ? [decide('approve', BOSS), decide('deny', LEAD)]
            : [decide('deny', LEAD), decide('approve', BOSS)];

        const outcomes = await Promise.all(racers);

        const { record, creates } = await settle();
        const winner = outcomes.find((outcome) => outcome.kind === 'decided');
        expect(decidedCount(outcomes)).toBe(1);
        const approved = winner?.kind === 'decided' && winner.decision.decision === 'approve';
        expect({ iteration, state: record.state, creates }).toEqual({
          iteration,
          state: approved ? 'VALIDATED' : 'REJECTED',
          creates: approved ? 1 : 0,
        });
        expect(outcomes.find((outcome) => outcome.kind !== 'decided')).toMatchObject({ kind: 'closed' });
      }
    });

    it(`an approval arriving as the poller expires the request (${ITERATIONS} times)`, async () => {
      for (let iteration = 0; iteration < ITERATIONS; iteration += 1) {
        const { decide, settle, store, queue, tencent, clock } = await race(makeStore);
        clock.set(minutesFromStart(60)); // the approver's clock: the last instant of the window
        const poller = fixedClock(minutesFromStart(60.001)); // the poller's: just past it

        const poll = () =>
          pollInFlight({
            store,
            queue,
            tencent,
            clock: poller,
            visibilityGraceMs: 60_000,
            requeueAfterMs: 60 * 60_000,
            lockMs: 60_000,
          });
        // Alternate who starts first, so both orders are raced.
        const outcome =
          iteration % 2 === 0
            ? (await Promise.all([decide('approve', BOSS), poll()]))[0]
            : (await Promise.all([poll(), decide('approve', BOSS)]))[1];

        const { record, creates } = await settle();
        expect(['VALIDATED', 'EXPIRED']).toContain(record.state);
        expect({ iteration, state: record.state, creates, decided: outcome.kind === 'decided' }).toEqual({
          iteration,
          state: record.state,
          creates: record.state === 'VALIDATED' ? 1 : 0,
          decided: record.state === 'VALIDATED',
        });
        expect(record.history.filter((entry) => ['VALIDATED', 'EXPIRED'].includes(entry.state))).toHaveLength(
          1,
        );
      }
    });
  },
);
