import { randomUUID } from 'node:crypto';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_EXAMPLE_REQUEST } from '#local/cli/demo-command.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import type { DeadLetterQueues } from '#shared/ports/dead-letter-queues.ts';
import type { QueueName } from '#shared/ports/message-queue.ts';
import { redriveDeadLetters } from '#shared/use-cases/redrive-dead-letters.ts';
import { eventually } from '#test/support/eventually.ts';
import { type StackFixture, startStackFixture } from '#test/support/local-stack-fixture.ts';

/** The waits below are deadlines on conditions; a test's whole may take this long on a busy machine. */
const TEST_TIMEOUT_MS = 120_000;

const deadLettersOf = (fixture: StackFixture): DeadLetterQueues => {
  const deadLetters = fixture.stack.dependencies.deadLetters;
  if (!deadLetters) throw new Error('the local stack has no dead-letter queues');
  return deadLetters;
};

const recordOf = (fixture: StackFixture, requestId: string) =>
  fixture.stack.dependencies.store.get(requestId) as Promise<RequestRecord>;

describe('dead letters, through the local stack', () => {
  let fixture: StackFixture;

  beforeAll(async () => {
    fixture = await startStackFixture({
      pollIntervalMs: 300,
      settings: { webhookRetryWindowMs: 3000, retryBackoff: { baseSeconds: 1, maxSeconds: 1 } },
    });
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it(
    'moves a webhook to the notify DLQ when its retry window ends, shows it on the request, and redrive delivers it',
    async () => {
      fixture.receiver.outage(60_000);
      const answer = await fixture.api.submit(
        { ...SEED_EXAMPLE_REQUEST, callback: { url: fixture.receiver.url } },
        `dlq-${randomUUID()}`,
      );

      const undelivered = await eventually(
        'the notification UNDELIVERED and the request marked stuck',
        () => recordOf(fixture, answer.requestId),
        (record) => record?.notification?.status === 'UNDELIVERED' && record.stuck?.queue === 'notify',
        { timeoutMs: 60_000 },
      );
      const letters = await deadLettersOf(fixture).peek('notify');

      expect(undelivered.state).toBe('READY');
      expect(undelivered.notification?.attempts.length).toBeGreaterThan(1);
      expect(
        undelivered.notification?.attempts.every((attempt) => !attempt.ok && attempt.status === 503),
      ).toBe(true);
      expect(undelivered.stuck?.reason).toMatch(/retry window/);
      expect(letters.map((letter) => letter.requestId)).toContain(answer.requestId);
      expect((await fixture.api.status(answer.requestId)).stuck).toMatchObject({ queue: 'notify' });

      fixture.receiver.outage(0);
      const result = await redriveDeadLetters('notify', {
        ...fixture.stack.dependencies,
        deadLetters: deadLettersOf(fixture),
      });
      const webhook = await fixture.receiver.waitFor(answer.requestId, 30_000);
      // The delivery is the notify consumer's, after the move: wait for the record to show it.
      const delivered = await eventually(
        'the notification DELIVERED and the request no longer marked stuck',
        () => recordOf(fixture, answer.requestId),
        (record) => record?.notification?.status === 'DELIVERED' && record.stuck === undefined,
      );

      expect(result).toMatchObject({ queue: 'notify', notificationsReset: 1, markersCleared: 1 });
      expect(result.task?.taskHandle).toBeTruthy();
      expect(result.move).toMatchObject({ status: 'COMPLETED', moved: 1 });
      expect(webhook.id).toBe(undelivered.notification?.webhookId);
      expect(delivered.stuck).toBeUndefined();
      expect(delivered.notification?.redrivenAt).toBeDefined();
    },
    TEST_TIMEOUT_MS,
  );

  it.each<[QueueName, string]>([
    ['requests', '{"requestId": 42}'],
    ['create', 'not json at all'],
    [
      'notify',
      '{"requestId":"r-0123456789abcdef","type":"replica.ready","webhookId":"x","extra":{"__proto__":1}}',
    ],
  ])(
    'sends a malformed %s message to its dead-letter queue at once, with the reason',
    async (queue, body) => {
      const sqs = new SQSClient({
        endpoint: fixture.stack.sqsUrl,
        region: 'ap-southeast-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      try {
        const marker = randomUUID();
        await sqs.send(
          new SendMessageCommand({
            QueueUrl: fixture.stack.queues[queue].url,
            MessageBody: body.replace('not json at all', `not json at all ${marker}`),
          }),
        );

        const letters = await eventually(
          `the malformed ${queue} message in its dead-letter queue`,
          () => deadLettersOf(fixture).peek(queue),
          (found) => found.some((letter) => letter.body === body || letter.body.includes(marker)),
        );
        const letter = letters.find(
          (candidate) => candidate.body === body || candidate.body.includes(marker),
        );

        expect(letter?.reason).toMatch(/^malformed message/);
      } finally {
        sqs.destroy();
      }
    },
  );
});

describe('a message that uses up its receives', () => {
  let fixture: StackFixture;

  beforeAll(async () => {
    fixture = await startStackFixture({
      pollIntervalMs: 300,
      settings: { retryBackoff: { baseSeconds: 1, maxSeconds: 1 } },
    });
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it(
    'lands in the requests DLQ after 5 receives, marks its request stuck, and redrive lets it finish',
    async () => {
      // Validate's pre-checks fail on every call (a Tencent outage): each receive is retried, 5 times.
      fixture.stack.emulator?.addFaults({
        rules: [{ action: 'DescribeDBInstanceAttribute', kind: 'InternalError', probability: 1 }],
      });
      const answer = await fixture.api.submit(
        { ...SEED_EXAMPLE_REQUEST, callback: { url: fixture.receiver.url } },
        `receives-${randomUUID()}`,
      );

      const stuck = await eventually(
        'the request marked stuck on the requests queue',
        () => recordOf(fixture, answer.requestId),
        (record) => record?.stuck?.queue === 'requests',
        { timeoutMs: 60_000 },
      );

      expect(stuck.state).toBe('RECEIVED');
      expect(stuck.stuck?.reason).toMatch(/maximum receives/);

      fixture.stack.emulator?.clearFaults();
      await redriveDeadLetters('requests', {
        ...fixture.stack.dependencies,
        deadLetters: deadLettersOf(fixture),
      });
      const view = await eventually(
        'the request READY, its notification DELIVERED and no longer marked stuck',
        () => fixture.api.status(answer.requestId),
        (current) =>
          current.state === 'READY' &&
          current.notification?.status === 'DELIVERED' &&
          current.stuck === undefined,
        { timeoutMs: 60_000 },
      );

      expect(view.state).toBe('READY');
      expect(view.notification?.status).toBe('DELIVERED');
      expect(view.stuck).toBeUndefined();
    },
    TEST_TIMEOUT_MS,
  );
});
