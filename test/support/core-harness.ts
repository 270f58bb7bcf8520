import { instanceNameFor } from '#shared/domain/idempotency.ts';
import { parseReplicaPlan } from '#shared/domain/replica-plan.ts';
import type { CreationAttempt, RequestRecord } from '#shared/domain/request-record.ts';
import type { RequestState } from '#shared/domain/request-state.ts';
import { FIXTURE_TIME, requestRecord, storedRequest } from '#test/fixtures/request-records.ts';
import { fixedClock } from '#test/support/fixed-clock.ts';
import { InMemoryStore } from '#test/support/in-memory-store.ts';
import { RecordingQueue } from '#test/support/recording-queue.ts';
import { ScriptedTencent } from '#test/support/scripted-tencent.ts';

/**
 * The core's ports in memory (store with conditional writes, recording queue, scripted Tencent,
 * fixed clock), for table tests of the use cases that run in milliseconds.
 */
export const corePorts = () => ({
  store: new InMemoryStore(),
  queue: new RecordingQueue(),
  tencent: new ScriptedTencent(),
  clock: fixedClock(FIXTURE_TIME),
});

/** Minutes from the fixture time, as ISO-8601. */
export const minutesFromStart = (minutes: number): string =>
  new Date(Date.parse(FIXTURE_TIME) + minutes * 60_000).toISOString();

/** The plan validation writes for the fixture request (seed example 1). */
export const fixturePlan = (instanceCount = 1) => {
  const {
    requester: _requester,
    idempotencyKey: _key,
    DBVersion: _version,
    ReadOnlyGroupId: _group,
    ...fields
  } = storedRequest();
  return parseReplicaPlan({ ...fields, InstanceCount: instanceCount });
};

/** A record past validation in `state`, with a plan and a deadline an hour away; override the rest. */
export const validatedRecord = (
  state: RequestState,
  overrides: Partial<RequestRecord> = {},
  planInstances = 1,
): RequestRecord => {
  const base = requestRecord();
  return {
    ...base,
    state,
    version: 3,
    plan: fixturePlan(planInstances),
    deadline: minutesFromStart(60),
    history: [...base.history, { state, at: FIXTURE_TIME }],
    ...overrides,
  };
};

/** A create attempt as the create consumer writes it; override what the row is about. */
export const creationOf = (requestId: string, overrides: Partial<CreationAttempt> = {}): CreationAttempt => ({
  attempt: 1,
  startedAt: FIXTURE_TIME,
  instanceName: instanceNameFor(requestId),
  dealNames: [],
  instanceIds: [],
  ...overrides,
});
