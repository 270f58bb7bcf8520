import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SendMessageBatchCommandInput,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { type RunningSqsServer, startSqsServer } from '@replica-flow/sqs-server/sqs-server.ts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { QueueBatchSendError, QueueError } from '#shared/adapters/queue/queue-error.ts';
import { SqsMessageQueue } from '#shared/adapters/queue/sqs-message-queue.ts';
import { ConfigError, ReplicaFlowError } from '#shared/errors.ts';
import type { QueueName } from '#shared/ports/message-queue.ts';
import { rejection } from '#test/support/rejection.ts';

const CLIENT_CONFIG = {
  region: 'ap-southeast-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
};

let server: RunningSqsServer;
let sqs: SQSClient;
const clients: SQSClient[] = [];

/** A client that counts the SendMessageBatch calls it makes and can rewrite their input. */
const instrumentedClient = (rewrite?: (input: SendMessageBatchCommandInput, call: number) => void) => {
  const client = new SQSClient({ ...CLIENT_CONFIG, endpoint: server.url });
  clients.push(client);
  const calls: number[] = [];
  client.middlewareStack.add(
    (next, context) => (args) => {
      if (context.commandName === 'SendMessageBatchCommand') {
        const input = structuredClone(args.input) as SendMessageBatchCommandInput;
        calls.push(input.Entries?.length ?? 0);
        rewrite?.(input, calls.length);
        return next({ ...args, input });
      }
      return next(args);
    },
    { step: 'initialize', name: 'countSendMessageBatch' },
  );
  return { client, calls };
};

let queueCounter = 0;
const createQueues = async () => {
  queueCounter += 1;
  const urls = {} as Record<QueueName, string>;
  for (const name of ['requests', 'create', 'notify'] as const) {
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({
        QueueName: `${name}-${queueCounter}-${Date.now()}`,
        Attributes: { VisibilityTimeout: '30' },
      }),
    );
    urls[name] = QueueUrl ?? '';
  }
  return urls;
};

const drain = async (queueUrl: string) => {
  const bodies: string[] = [];
  for (;;) {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
    );
    if (!Messages?.length) return bodies;
    bodies.push(...Messages.map((message) => message.Body ?? ''));
  }
};

beforeAll(async () => {
  server = await startSqsServer();
  sqs = new SQSClient({ ...CLIENT_CONFIG, endpoint: server.url });
});

afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
});

afterAll(async () => {
  sqs.destroy();
  await server.close();
});

describe('SqsMessageQueue', () => {
  it('sends a JSON body to the named queue, with an optional delay', async () => {
    // Prepare
    const queueUrls = await createQueues();
    const queue = new SqsMessageQueue({ client: sqs, queueUrls });

    // Act
    await queue.send('create', { requestId: 'r-1', note: 'ünïcödé' });
    await queue.send('notify', { requestId: 'r-2' }, { delaySeconds: 5 });

    // Assess
    expect(await drain(queueUrls.create)).toEqual(['{"requestId":"r-1","note":"ünïcödé"}']);
    expect(await drain(queueUrls.requests)).toEqual([]);
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrls.notify,
        AttributeNames: ['ApproximateNumberOfMessagesDelayed'],
      }),
    );
    expect(Attributes?.ApproximateNumberOfMessagesDelayed).toBe('1');
  });

  it('sends the messages sent together as one SendMessageBatch, each with its own delay', async () => {
    // Prepare
    const queueUrls = await createQueues();
    const { client, calls } = instrumentedClient();
    const queue = new SqsMessageQueue({ client, queueUrls });

    // Act: 12 sends in one turn, then a lone one
    await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        queue.send('create', { index }, index === 0 ? { delaySeconds: 5 } : {}),
      ),
    );
    await queue.send('create', { index: 12 });

    // Assess: 10 + 2 in two batch calls; the lone send made a plain SendMessage
    expect(calls).toEqual([10, 2]);
    const received = (await drain(queueUrls.create)).map(
      (body) => (JSON.parse(body) as { index: number }).index,
    );
    expect(received.sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, index) => index + 1));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrls.create,
        AttributeNames: ['ApproximateNumberOfMessagesDelayed'],
      }),
    );
    expect(Attributes?.ApproximateNumberOfMessagesDelayed).toBe('1');
  });

  it('fails only the message SQS refused when messages are sent together', async () => {
    // Prepare: SQS refuses entry 1 of the batch call
    const queueUrls = await createQueues();
    const { client } = instrumentedClient((input) => {
      const entry = input.Entries?.[1];
      if (entry) entry.MessageBody = '\u0000';
    });
    const queue = new SqsMessageQueue({ client, queueUrls });

    // Act
    const settled = await Promise.allSettled([0, 1, 2].map((index) => queue.send('notify', { index })));

    // Assess
    expect(settled.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(settled[1]).toMatchObject({
      reason: { code: 'QUEUE_MESSAGE_INVALID', queue: 'notify', retryable: false },
    });
    expect(await drain(queueUrls.notify)).toEqual(['{"index":0}', '{"index":2}']);
  });

  it('sends a batch in calls of at most 10 entries', async () => {
    // Prepare
    const queueUrls = await createQueues();
    const { client, calls } = instrumentedClient();
    const queue = new SqsMessageQueue({ client, queueUrls });
    const bodies = Array.from({ length: 25 }, (_, index) => ({ index }));

    // Act
    await queue.sendBatch('requests', bodies);

    // Assess
    expect(calls).toEqual([10, 10, 5]);
    const received = (await drain(queueUrls.requests)).map(
      (body) => (JSON.parse(body) as { index: number }).index,
    );
    expect(received.sort((a, b) => a - b)).toEqual(bodies.map((body) => body.index));
  });

  it('keeps each batch call within 256 KiB', async () => {
    // Prepare
    const queueUrls = await createQueues();
    const { client, calls } = instrumentedClient();
    const queue = new SqsMessageQueue({ client, queueUrls });
    const large = 'x'.repeat(100_000);

    // Act
    await queue.sendBatch('requests', [large, large, large]);

    // Assess
    expect(calls).toEqual([2, 1]);
    expect(await drain(queueUrls.requests)).toHaveLength(3);
  });

  it('sends the entries SQS failed once more, so a transient entry failure loses nothing', async () => {
    // Prepare: the first call carries a body SQS refuses for entry 3; the retry carries the real one
    const queueUrls = await createQueues();
    const { client, calls } = instrumentedClient((input, call) => {
      const entry = input.Entries?.find((candidate) => candidate.Id === '3');
      if (call === 1 && entry) entry.MessageBody = 'corrupted \u0000 on the wire';
    });
    const queue = new SqsMessageQueue({ client, queueUrls });

    // Act
    await queue.sendBatch('requests', ['a', 'b', 'c', 'd', 'e']);

    // Assess
    expect(calls).toEqual([5, 1]);
    expect((await drain(queueUrls.requests)).sort()).toEqual(['"a"', '"b"', '"c"', '"d"', '"e"']);
  });

  it('throws a QueueBatchSendError listing the entries still refused after the retry', async () => {
    // Prepare
    const queueUrls = await createQueues();
    const { client, calls } = instrumentedClient();
    const queue = new SqsMessageQueue({ client, queueUrls });
    const tooLarge = 'y'.repeat(300_000);

    // Act
    const error = await rejection(queue.sendBatch('notify', ['first', tooLarge, 'last']));

    // Assess
    expect(error).toBeInstanceOf(QueueBatchSendError);
    expect(error).toBeInstanceOf(ReplicaFlowError);
    const batchError = error as QueueBatchSendError;
    expect(batchError.code).toBe('QUEUE_BATCH_INCOMPLETE');
    expect(batchError.unsent).toEqual([
      expect.objectContaining({ index: 1, errorCode: 'BatchRequestTooLong', senderFault: true }),
    ]);
    expect(batchError.sentCount).toBe(2);
    expect(batchError.retryable).toBe(false);
    expect(batchError.message).not.toContain('yyyy');
    expect(calls).toEqual([1, 1, 1, 1]);
    expect((await drain(queueUrls.notify)).sort()).toEqual(['"first"', '"last"']);
  });

  it('lists every entry as unsent when the queue does not exist', async () => {
    // Prepare
    const queueUrls = await createQueues();
    const queue = new SqsMessageQueue({
      client: sqs,
      queueUrls: { ...queueUrls, create: `${server.url}/000000000000/no-such-queue` },
    });

    // Act
    const single = await rejection(queue.send('create', { requestId: 'r-1' }));
    const batch = await rejection(queue.sendBatch('create', [1, 2, 3]));

    // Assess
    expect(single).toBeInstanceOf(QueueError);
    expect(single).toMatchObject({ code: 'QUEUE_NOT_FOUND', queue: 'create', retryable: false });
    expect(batch).toBeInstanceOf(QueueBatchSendError);
    expect((batch as QueueBatchSendError).unsent.map((entry) => [entry.index, entry.errorCode])).toEqual([
      [0, 'QueueDoesNotExist'],
      [1, 'QueueDoesNotExist'],
      [2, 'QueueDoesNotExist'],
    ]);
    expect((batch as QueueBatchSendError).cause).toMatchObject({ code: 'QUEUE_NOT_FOUND' });
  });

  it('delays a retry by changing the visibility of the received message', async () => {
    // Prepare
    const queueUrls = await createQueues();
    const queue = new SqsMessageQueue({ client: sqs, queueUrls });
    await queue.send('create', { requestId: 'r-9' });
    const receive = async () =>
      (
        await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: queueUrls.create, MessageSystemAttributeNames: ['All'] }),
        )
      ).Messages?.[0];
    const first = await receive();

    // Act
    await queue.delayRetry('create', first?.ReceiptHandle ?? '', 0);
    const again = await receive();
    const stale = await rejection(queue.delayRetry('create', first?.ReceiptHandle ?? '', 10));
    const garbage = await rejection(queue.delayRetry('create', 'garbage', 10));
    const outOfRange = await rejection(queue.delayRetry('create', again?.ReceiptHandle ?? '', 50_000));

    // Assess
    expect(again?.Attributes?.ApproximateReceiveCount).toBe('2');
    expect(stale).toMatchObject({ code: 'QUEUE_RECEIPT_INVALID', retryable: false });
    expect(garbage).toMatchObject({ code: 'QUEUE_RECEIPT_INVALID', retryable: false });
    expect(outOfRange).toMatchObject({ code: 'QUEUE_MESSAGE_INVALID' });
  });

  it('refuses a body that is not JSON-serialisable before calling SQS', async () => {
    // Prepare
    const queueUrls = await createQueues();
    const queue = new SqsMessageQueue({ client: sqs, queueUrls });

    // Act
    const bigint = await rejection(queue.send('requests', { amount: 10n }));
    const nothing = await rejection(queue.sendBatch('requests', [{ ok: true }, undefined]));

    // Assess
    expect(bigint).toMatchObject({ code: 'QUEUE_MESSAGE_INVALID' });
    expect(nothing).toMatchObject({ code: 'QUEUE_MESSAGE_INVALID' });
    expect(await drain(queueUrls.requests)).toEqual([]);
  });

  it('reports an unreachable endpoint as a retryable QUEUE_UNAVAILABLE', async () => {
    // Prepare
    const closed = await startSqsServer();
    await closed.close();
    const client = new SQSClient({ ...CLIENT_CONFIG, endpoint: closed.url, maxAttempts: 1 });
    clients.push(client);
    const url = `${closed.url}/000000000000/requests`;
    const queue = new SqsMessageQueue({ client, queueUrls: { requests: url, create: url, notify: url } });

    // Act
    const error = await rejection(queue.send('requests', {}));

    // Assess
    expect(error).toMatchObject({ code: 'QUEUE_UNAVAILABLE', retryable: true });
  });

  it('finds the local server through AWS_ENDPOINT_URL_SQS when no client is given', async () => {
    // Prepare
    const queueUrls = await createQueues();
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SQS: server.url,
      AWS_REGION: 'ap-southeast-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    });
    try {
      // Act
      await new SqsMessageQueue({ queueUrls }).send('notify', { via: 'environment' });
    } finally {
      process.env = saved;
    }

    // Assess
    expect(await drain(queueUrls.notify)).toEqual(['{"via":"environment"}']);
  });

  it('fails fast on a missing queue URL', () => {
    expect(
      () => new SqsMessageQueue({ client: sqs, queueUrls: { requests: 'x', create: '', notify: 'y' } }),
    ).toThrow(ConfigError);
  });
});
