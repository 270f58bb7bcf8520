import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { buildNotifyHandler } from '#functions/notify.ts';
import { buildPollHandler } from '#functions/poll.ts';
import type { Dependencies } from '#shared/config/dependencies.ts';
import { settingsFrom } from '#shared/config/dependencies.ts';
import { readRuntimeEnvironment } from '#shared/config/runtime-config.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import { lambdaContext } from '#test/fixtures/lambda-context.ts';
import { FIXTURE_TIME, notification, requestRecord } from '#test/fixtures/request-records.ts';
import { InMemoryStore } from '#test/support/in-memory-store.ts';
import { recordingMetrics } from '#test/support/recording-metrics.ts';
import { RecordingQueue } from '#test/support/recording-queue.ts';
import { ScriptedTencent } from '#test/support/scripted-tencent.ts';

const NOW = new Date(FIXTURE_TIME);
const minutesFromNow = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000).toISOString();

/** Replicas that are still being created, whatever is asked. */
const stillCreating = new ScriptedTencent().otherwise('describeDBInstances', (request) => {
  const ids = request.Filters?.[0]?.Values ?? [];
  return {
    TotalCount: ids.length,
    DBInstanceSet: ids.map((id) => ({ DBInstanceId: id, DBInstanceStatus: 'creating' })),
  };
});

const dependencies = (store: InMemoryStore, overrides: Partial<Dependencies> = {}) => {
  const recording = recordingMetrics();
  const queue = new RecordingQueue();
  const deps = {
    store,
    queue,
    tencent: stillCreating,
    clock: { now: () => NOW },
    settings: settingsFrom(readRuntimeEnvironment({ TABLE_NAME: 'replica-flow' })),
    metrics: recording.metrics,
    ...overrides,
  } as unknown as Dependencies;
  return { deps, ...recording };
};

const scheduledEvent = {
  version: '0',
  id: 'test',
  'detail-type': 'Scheduled Event' as const,
  source: 'aws.events' as const,
  account: '000000000000',
  time: FIXTURE_TIME,
  region: 'ap-southeast-1',
  resources: [],
  detail: {},
};

const provisioning = (overrides: Partial<RequestRecord>): RequestRecord =>
  requestRecord({
    state: 'PROVISIONING',
    creation: {
      attempt: 1,
      startedAt: FIXTURE_TIME,
      instanceName: 'rf-test',
      dealNames: ['deal-1'],
      instanceIds: ['pgro-1'],
    },
    ...overrides,
  });

describe('poll handler metrics', () => {
  it('beats once per cycle and counts the requests left past their deadline, not those the cycle timed out', async () => {
    const store = new InMemoryStore();
    const timedOut = provisioning({ deadline: minutesFromNow(-1) });
    // A create still under its lease: the cycle cannot end it, though its deadline is gone.
    const stuck = requestRecord({
      state: 'CREATING',
      deadline: minutesFromNow(-5),
      lease: { owner: 'another-invocation', until: minutesFromNow(2) },
    });
    const onTime = provisioning({ deadline: minutesFromNow(30) });
    for (const record of [timedOut, stuck, onTime]) store.records.set(record.requestId, record);
    const { deps, flushes, total } = dependencies(store);

    await buildPollHandler(deps)(scheduledEvent, lambdaContext('poll'));

    expect(store.records.get(timedOut.requestId)?.state).toBe('TIMED_OUT');
    expect(total('PollCycles')).toBe(1);
    expect(total('RequestsPastDeadline')).toBe(1);
    expect(flushes).toHaveLength(1);
    expect(flushes[0]?.map((entry) => entry.name).sort()).toEqual(['PollCycles', 'RequestsPastDeadline']);
  });

  it('does not beat for a cycle skipped because another poller holds the run lock', async () => {
    const store = new InMemoryStore();
    store.acquireLock = async () => false;
    const { deps, flushes, recorded } = dependencies(store);

    await buildPollHandler(deps)(scheduledEvent, lambdaContext('poll'));

    expect(recorded).toEqual([]);
    expect(flushes).toEqual([[]]);
  });

  it('still flushes what the invocation recorded when the cycle fails', async () => {
    const store = new InMemoryStore();
    store.listInFlight = async () => {
      throw new Error('store unavailable');
    };
    const { deps, flushes } = dependencies(store);

    await expect(buildPollHandler(deps)(scheduledEvent, lambdaContext('poll'))).rejects.toThrow(
      'store unavailable',
    );

    expect(flushes).toHaveLength(1);
  });
});

describe('notify handler metrics', () => {
  const notifyEvent = (record: RequestRecord): SQSEvent => ({
    Records: [
      {
        messageId: 'message-1',
        receiptHandle: 'receipt-1',
        body: JSON.stringify({
          requestId: record.requestId,
          type: 'replica.ready',
          webhookId: record.notification?.webhookId,
        }),
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: String(NOW.getTime()),
          SenderId: 'test',
          ApproximateFirstReceiveTimestamp: String(NOW.getTime()),
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:ap-southeast-1:000000000000:replica-flow-notify',
        awsRegion: 'ap-southeast-1',
      },
    ],
  });

  it('counts a notification that ended undelivered', async () => {
    const store = new InMemoryStore();
    const record = requestRecord({
      requestId: 'r-0123456789abcdef',
      state: 'READY',
      notification: notification('UNDELIVERED'),
    });
    store.records.set(record.requestId, record);
    const deadLettered: string[] = [];
    const { deps, total, flushes } = dependencies(store, {
      deadLetters: {
        send: async (_queue: string, _body: string, reason: string) => {
          deadLettered.push(reason);
        },
      } as unknown as Dependencies['deadLetters'],
    });

    await buildNotifyHandler(deps)(notifyEvent(record), lambdaContext('notify'));

    expect(deadLettered).toEqual([expect.stringContaining('not delivered')]);
    expect(total('WebhooksUndelivered')).toBe(1);
    expect(flushes).toHaveLength(1);
  });

  it('counts nothing undelivered for a notification already delivered', async () => {
    const store = new InMemoryStore();
    const record = requestRecord({
      requestId: 'r-fedcba9876543210',
      state: 'READY',
      notification: notification('DELIVERED'),
    });
    store.records.set(record.requestId, record);
    const { deps, total } = dependencies(store);

    await buildNotifyHandler(deps)(notifyEvent(record), lambdaContext('notify'));

    expect(total('WebhooksUndelivered')).toBe(0);
  });
});
