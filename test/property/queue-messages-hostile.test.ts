import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCreateHandler } from '#functions/create.ts';
import { buildNotifyHandler } from '#functions/notify.ts';
import { buildValidateHandler } from '#functions/validate.ts';
import { lambdaContext } from '#local/stack/lambda-context.ts';
import type { Dependencies } from '#shared/config/dependencies.ts';
import { cloudwatchAlarmEventSchema } from '#shared/ingress/alerts/cloudwatch/cloudwatch-alarm-event.ts';
import type { DeadLetterQueues } from '#shared/ports/dead-letter-queues.ts';
import type { QueueName } from '#shared/ports/message-queue.ts';
import {
  createMessageSchema,
  notifyMessageSchema,
  requestMessageSchema,
} from '#shared/use-cases/queue-messages.ts';
import * as z from '#shared/util/zod-mini.ts';
import { hostileJson, mutatedObject, oddString } from '#test/property/hostile-arbitraries.ts';
import { type StackFixture, startStackFixture } from '#test/support/local-stack-fixture.ts';
import { assertProperty } from '#test/support/property-seed.ts';
import { silenceJsonLogs } from '#test/support/quiet-logs.ts';
import { RecordingQueue } from '#test/support/recording-queue.ts';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 80);

/** The sample CloudWatch alarm envelope the requests queue also carries (EventBridge rule → queue). */
const CLOUDWATCH_ENVELOPE = JSON.parse(
  (JSON.parse(readFileSync('events/validate-cloudwatch-alarm.json', 'utf8')) as SQSEvent).Records[0]?.body ??
    '{}',
) as unknown;

/** Dead-letter queues that keep what they were given. */
const recordingDeadLetters = () => {
  const received: { queue: QueueName; body: string; reason: string }[] = [];
  const deadLetters: DeadLetterQueues = {
    send: async (queue, body, reason) => {
      received.push({ queue, body, reason });
    },
    peek: async () => [],
    depth: async () => 0,
    redrive: async (queue) => ({ queue, taskHandle: 'none' }),
    redriveStatus: async () => ({ status: 'COMPLETED', moved: 0 }),
  };
  return { deadLetters, received };
};

const sqsEvent = (bodies: readonly string[], arn: string): SQSEvent => ({
  Records: bodies.map((body, index) => ({
    messageId: `m-${index}-${randomUUID()}`,
    receiptHandle: `property-${randomUUID()}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(Date.now()),
      SenderId: 'property',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: arn,
    awsRegion: 'ap-southeast-1',
  })),
});

/**
 * The requests queue's whole contract: our `{requestId}`, or a CloudWatch alarm event that is valid
 * all through (validate's border only tells the two apart; the CloudWatch intake reads the rest).
 */
const requestsQueueContract = z.union([requestMessageSchema, cloudwatchAlarmEventSchema]);

const passes = (schema: z.ZodMiniType, body: string): boolean => {
  try {
    return schema.safeParse(JSON.parse(body)).success;
  } catch {
    return false;
  }
};

/** Message bodies: hostile JSON, odd strings, and valid messages changed in one place. */
const hostileMessageBody = (valid: unknown): fc.Arbitrary<string> =>
  fc.oneof(
    hostileJson,
    oddString,
    mutatedObject(valid).map((value) => JSON.stringify(value) ?? 'null'),
  );

describe('every queue-message parser under hostile bodies', () => {
  let fixture: StackFixture;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  let restoreLogs: () => void = () => undefined;

  beforeAll(async () => {
    fixture = await startStackFixture({ pollIntervalMs: 3_600_000 });
    process.on('unhandledRejection', onUnhandled);
    restoreLogs = silenceJsonLogs();
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    restoreLogs();
    await fixture?.close();
  });

  const consumers: {
    queue: QueueName;
    schema: z.ZodMiniType;
    valid: unknown;
    build: (
      deps: Dependencies,
    ) => (event: SQSEvent, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;
  }[] = [
    {
      queue: 'requests',
      schema: requestsQueueContract,
      valid: CLOUDWATCH_ENVELOPE,
      build: (deps) => buildValidateHandler(deps),
    },
    {
      queue: 'requests',
      schema: requestsQueueContract,
      valid: { requestId: 'r-0123456789abcdef' },
      build: (deps) => buildValidateHandler(deps),
    },
    {
      queue: 'create',
      schema: createMessageSchema,
      valid: { requestId: 'r-0123456789abcdef' },
      build: (deps) => buildCreateHandler(deps),
    },
    {
      queue: 'notify',
      schema: notifyMessageSchema,
      valid: { requestId: 'r-0123456789abcdef', type: 'replica.ready', webhookId: 'msg_0' },
      build: (deps) => buildNotifyHandler(deps),
    },
  ];

  it.each(
    consumers.map((consumer) => [
      `${consumer.queue} (${JSON.stringify(consumer.valid).slice(0, 40)}…)`,
      consumer,
    ]),
  )(
    'the %s consumer never throws, dead-letters every malformed body at once, and sends nothing for it',
    async (_name, consumer) => {
      const recording = new RecordingQueue();
      const dead = recordingDeadLetters();
      const deps: Dependencies = {
        ...fixture.stack.dependencies,
        queue: recording,
        deadLetters: dead.deadLetters,
      };
      const handler = consumer.build(deps);
      const arn = fixture.stack.queues[consumer.queue].arn;

      await assertProperty(
        fc.asyncProperty(
          fc.array(hostileMessageBody(consumer.valid), { minLength: 1, maxLength: 10 }),
          async (bodies) => {
            const sentBefore = recording.sent.length;
            const deadBefore = dead.received.length;
            const callsBefore = fixture.stack.emulator?.calls().total ?? 0;
            const event = sqsEvent(bodies, arn);

            const answer = (await handler(event, lambdaContext(consumer.queue))) as SQSBatchResponse;

            const malformed = event.Records.filter((record) => !passes(consumer.schema, record.body));
            const failed = new Set(answer.batchItemFailures.map((failure) => failure.itemIdentifier));
            const deadLettered = dead.received.slice(deadBefore);
            for (const record of malformed) {
              expect(failed.has(record.messageId)).toBe(false);
              expect(
                deadLettered.some(
                  (letter) => letter.body === record.body && /^malformed/.test(letter.reason),
                ),
              ).toBe(true);
            }
            if (malformed.length === event.Records.length) {
              expect(recording.sent.length).toBe(sentBefore);
              expect(fixture.stack.emulator?.calls().total ?? 0).toBe(callsBefore);
            }
          },
        ),
        { numRuns: RUNS },
      );
      expect(unhandled).toEqual([]);
    },
  );
});
