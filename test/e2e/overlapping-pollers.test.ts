import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_EXAMPLE_REQUEST } from '#local/cli/demo-command.ts';
import { instanceNameFor, requestIdFor } from '#shared/domain/idempotency.ts';
import { parseReplicaPlan } from '#shared/domain/replica-plan.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import type { RequestState } from '#shared/domain/request-state.ts';
import { parseStoredRequest } from '#shared/domain/stored-request.ts';
import type { RequestStore } from '#shared/ports/request-store.ts';
import { pollInFlight } from '#shared/use-cases/poll-in-flight.ts';
import { type StackFixture, startStackFixture } from '#test/support/local-stack-fixture.ts';
import { RecordingQueue } from '#test/support/recording-queue.ts';

/** The store as a poller whose run lock ran out mid-cycle sees it: the lock is always "held". */
const withoutRunLock = (store: RequestStore): RequestStore => ({
  putNew: (record) => store.putNew(record),
  get: (requestId) => store.get(requestId),
  transition: (command) => store.transition(command),
  update: (command) => store.update(command),
  listInFlight: (options) => store.listInFlight(options),
  acquireLock: async () => true,
  releaseLock: async () => undefined,
});

describe('overlapping poller runs', () => {
  let fixture: StackFixture;

  beforeAll(async () => {
    // No schedule of its own in the way: the test runs every cycle.
    fixture = await startStackFixture({ pollIntervalMs: 3_600_000 });
  });
  afterAll(async () => {
    await fixture?.close();
  });

  /** A record in `state` whose create attempt began a minute ago (its lease, if any, long expired). */
  const putRecord = async (state: RequestState, extra: Partial<RequestRecord>) => {
    const key = `overlap-${randomUUID()}`;
    const requestId = requestIdFor('api:test', key);
    const minuteAgo = new Date(Date.now() - 60_000).toISOString();
    const request = parseStoredRequest({
      ...SEED_EXAMPLE_REQUEST,
      idempotencyKey: key,
      requester: { source: 'api', identity: 'test' },
    });
    const { DBVersion: _version, ...planFields } = SEED_EXAMPLE_REQUEST;
    await fixture.stack.dependencies.store.putNew({
      requestId,
      idempotencyKey: key,
      payloadHash: 'test',
      state,
      version: 3,
      request,
      requester: request.requester,
      plan: parseReplicaPlan({ ...planFields, ReadOnlyGroupId: undefined }),
      creation: {
        attempt: 1,
        startedAt: minuteAgo,
        instanceName: instanceNameFor(requestId),
        dealNames: [],
        instanceIds: [],
      },
      deadline: new Date(Date.now() + 600_000).toISOString(),
      createdAt: minuteAgo,
      updatedAt: minuteAgo,
      history: [{ state, at: minuteAgo }],
      ...extra,
    });
    return requestId;
  };

  /** Five poll cycles at once, none held back by the run lock. */
  const fivePollersAtOnce = async () => {
    const queue = new RecordingQueue();
    const { sent } = queue;
    const deps = fixture.stack.dependencies;
    await Promise.all(
      Array.from({ length: 5 }, (_, index) =>
        pollInFlight({
          ...deps,
          queue,
          store: withoutRunLock(deps.store),
          visibilityGraceMs: 1000,
          requeueAfterMs: 3_600_000,
          lockMs: 30_000,
          owner: `poller-${index}`,
        }),
      ),
    );
    return sent;
  };

  it('re-issue an UNKNOWN create whose replica is nowhere exactly once', async () => {
    const requestId = await putRecord('UNKNOWN', {
      unknownSince: new Date(Date.now() - 60_000).toISOString(),
    });

    const sent = await fivePollersAtOnce();
    const record = await fixture.stack.dependencies.store.get(requestId);

    expect(sent.filter((message) => message.queue === 'create')).toEqual([
      { queue: 'create', body: { requestId } },
    ]);
    expect(record?.state).toBe('VALIDATED');
    expect(record?.history.filter((entry) => entry.state === 'VALIDATED')).toHaveLength(1);
  });

  it('move a CREATING record whose lease ran out to UNKNOWN exactly once', async () => {
    const requestId = await putRecord('CREATING', {
      lease: { owner: 'dead-invocation', until: new Date(Date.now() - 30_000).toISOString() },
    });

    await fivePollersAtOnce();
    const record = await fixture.stack.dependencies.store.get(requestId);

    expect(record?.history.filter((entry) => entry.state === 'UNKNOWN')).toHaveLength(1);
  });

  it('let only one of two scheduled cycles act: the run lock turns the other away', async () => {
    const [first, second] = await Promise.all([fixture.stack.pollOnce(), fixture.stack.pollOnce()]);

    expect([first.skipped, second.skipped].sort()).toEqual([false, true]);
  });
});
