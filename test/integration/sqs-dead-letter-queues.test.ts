import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { type RunningSqsServer, startSqsServer } from '@replica-flow/sqs-server/sqs-server.ts';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { QueueError } from '#shared/adapters/queue/queue-error.ts';
import { SqsDeadLetterQueues } from '#shared/adapters/queue/sqs-dead-letter-queues.ts';
import { ConfigError } from '#shared/errors.ts';
import type { QueueName } from '#shared/ports/message-queue.ts';
import { eventually } from '#test/support/eventually.ts';
import { rejection } from '#test/support/rejection.ts';

const REGION = 'ap-southeast-1';
const CLIENT_CONFIG = { region: REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
const QUEUES: readonly QueueName[] = ['requests', 'create', 'notify'];
const REQUEST_ID = 'r-0123456789abcdef';

let server: RunningSqsServer;
let sqs: SQSClient;
const clients: SQSClient[] = [];

beforeAll(async () => {
  server = await startSqsServer({ region: REGION });
  sqs = new SQSClient({ ...CLIENT_CONFIG, endpoint: server.url });
});

afterEach(() => {
  vi.unstubAllEnvs();
  for (const client of clients.splice(0)) client.destroy();
});

afterAll(async () => {
  sqs.destroy();
  await server.close();
});

let counter = 0;
const uniqueName = (name: string) => {
  counter += 1;
  return `${name}-${counter}-${Date.now()}`;
};

const createQueue = async (name: string, attributes: Record<string, string> = {}) => {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  return QueueUrl ?? '';
};

const arnOf = async (url: string) => {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  return Attributes?.QueueArn ?? '';
};

/** The RedrivePolicy of a work queue whose messages go to `deadLetterArn` on their second receive. */
const redrivePolicy = (deadLetterArn: string) =>
  JSON.stringify({ deadLetterTargetArn: deadLetterArn, maxReceiveCount: 1 });

/** Each work queue with its dead-letter queue (a message goes there on its second receive). */
const createQueues = async () => {
  const queues = {} as Record<QueueName, { url: string; deadLetterUrl: string }>;
  for (const queue of QUEUES) {
    const deadLetterUrl = await createQueue(uniqueName(`${queue}-dlq`));
    const url = await createQueue(uniqueName(queue), {
      RedrivePolicy: redrivePolicy(await arnOf(deadLetterUrl)),
    });
    queues[queue] = { url, deadLetterUrl };
  }
  return queues;
};

const counts = async (url: string) => {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    visible: Number(Attributes?.ApproximateNumberOfMessages),
    inFlight: Number(Attributes?.ApproximateNumberOfMessagesNotVisible),
  };
};

const sendRaw = async (url: string, bodies: readonly string[]) => {
  for (let start = 0; start < bodies.length; start += 10) {
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: bodies
          .slice(start, start + 10)
          .map((body, index) => ({ Id: String(start + index), MessageBody: body })),
      }),
    );
  }
};

const drain = async (url: string) => {
  const bodies: string[] = [];
  for (;;) {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }),
    );
    if (!Messages?.length) return bodies.sort();
    bodies.push(...Messages.map((message) => message.Body ?? ''));
  }
};

/** A client on the local server that runs `before` ahead of each call of the named command. */
const clientRunningBefore = (commandName: string, before: () => Promise<void>) => {
  const client = new SQSClient({ ...CLIENT_CONFIG, endpoint: server.url });
  clients.push(client);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === commandName) await before();
      return next(args);
    },
    { step: 'initialize', name: `before${commandName}` },
  );
  return client;
};

describe('SqsDeadLetterQueues', () => {
  it('refuses a configuration that lacks a work queue URL or a dead-letter queue URL, naming the queue', () => {
    const url = `${server.url}/000000000000/q`;
    const withCreate = (urls: { url: string; deadLetterUrl: string }) => ({
      client: sqs,
      queues: { requests: { url, deadLetterUrl: url }, create: urls, notify: { url, deadLetterUrl: url } },
    });

    expect(() => new SqsDeadLetterQueues(withCreate({ url, deadLetterUrl: '' }))).toThrow(ConfigError);
    expect(() => new SqsDeadLetterQueues(withCreate({ url: '', deadLetterUrl: url }))).toThrow(
      /create queue and of its dead-letter queue/,
    );
  });

  it('sends a dead letter with its reason, and a peek reads it back with the request it names and when it was sent', async () => {
    // Prepare
    const queues = await createQueues();
    const deadLetters = new SqsDeadLetterQueues({ client: sqs, queues });
    const body = JSON.stringify({ requestId: REQUEST_ID, type: 'replica.ready' });
    const before = Date.now();

    // Act
    await deadLetters.send('notify', body, 'not delivered within the retry window');
    const letters = await deadLetters.peek('notify');

    // Assess
    expect(letters).toEqual([
      {
        queue: 'notify',
        messageId: expect.any(String),
        body,
        requestId: REQUEST_ID,
        reason: 'not delivered within the retry window',
        sentAt: expect.any(String),
      },
    ]);
    expect(Date.parse(letters[0]?.sentAt ?? '')).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(await deadLetters.peek('create')).toEqual([]);
  });

  it('keeps the first 1000 characters of a long reason and says "dead-lettered" for an empty one', async () => {
    // Prepare
    const queues = await createQueues();
    const deadLetters = new SqsDeadLetterQueues({ client: sqs, queues });

    // Act
    await deadLetters.send('requests', 'long', 'x'.repeat(1500));
    await deadLetters.send('requests', 'empty', '');
    const letters = await deadLetters.peek('requests');

    // Assess
    const reasonOf = (body: string) => letters.find((letter) => letter.body === body)?.reason;
    expect(reasonOf('long')).toBe('x'.repeat(1000));
    expect(reasonOf('empty')).toBe('dead-lettered');
  });

  it('names no request for a body that is not JSON, is null, or holds no well-formed request id', async () => {
    // Prepare
    const queues = await createQueues();
    const deadLetters = new SqsDeadLetterQueues({ client: sqs, queues });
    const bodies = ['not json', 'null', '{"requestId":"R-NOT-AN-ID"}', '{"requestId":12}', '{}'];
    for (const body of bodies) await deadLetters.send('create', body, 'malformed');

    // Act
    const letters = await deadLetters.peek('create');

    // Assess
    expect(letters.map((letter) => letter.body).sort()).toEqual([...bodies].sort());
    expect(letters.filter((letter) => 'requestId' in letter)).toEqual([]);
  });

  it("gives a message that used up its work queue's maximum receives that reason", async () => {
    // Prepare: a create message received once, then received again (SQS moves it on that receive)
    const queues = await createQueues();
    const deadLetters = new SqsDeadLetterQueues({ client: sqs, queues });
    const body = JSON.stringify({ requestId: REQUEST_ID });
    await sqs.send(new SendMessageCommand({ QueueUrl: queues.create.url, MessageBody: body }));
    const receive = () =>
      sqs.send(new ReceiveMessageCommand({ QueueUrl: queues.create.url, VisibilityTimeout: 0 }));
    expect((await receive()).Messages).toHaveLength(1);
    expect((await receive()).Messages ?? []).toEqual([]);

    // Act
    const letters = await deadLetters.peek('create');

    // Assess
    expect(letters).toMatchObject([
      { queue: 'create', body, requestId: REQUEST_ID, reason: "used up the create queue's maximum receives" },
    ]);
  });

  it('peeks without consuming: reads each letter once across batches of ten, stops at the maximum, and leaves every letter visible', async () => {
    // Prepare
    const queues = await createQueues();
    const deadLetters = new SqsDeadLetterQueues({ client: sqs, queues });
    const bodies = Array.from({ length: 23 }, (_, index) => `letter-${String(index).padStart(2, '0')}`);
    await sendRaw(queues.requests.deadLetterUrl, bodies);

    // Act
    const some = await deadLetters.peek('requests', 15);
    const all = await deadLetters.peek('requests');

    // Assess
    expect(new Set(some.map((letter) => letter.messageId)).size).toBe(15);
    expect(all.map((letter) => letter.body).sort()).toEqual(bodies);
    expect(new Set(all.map((letter) => letter.messageId)).size).toBe(23);
    expect(await counts(queues.requests.deadLetterUrl)).toEqual({ visible: 23, inFlight: 0 });
  });

  it('still answers what it read when making the letters visible again fails', async () => {
    // Prepare: the dead-letter queue is deleted between the peek's receives and its release
    const queues = await createQueues();
    const deletion = () => sqs.send(new DeleteQueueCommand({ QueueUrl: queues.notify.deadLetterUrl }));
    let deleted = false;
    const client = clientRunningBefore('ChangeMessageVisibilityBatchCommand', async () => {
      if (!deleted) await deletion();
      deleted = true;
    });
    const deadLetters = new SqsDeadLetterQueues({ client, queues });
    await sendRaw(queues.notify.deadLetterUrl, ['one', 'two']);

    // Act
    const letters = await deadLetters.peek('notify');

    // Assess
    expect(deleted).toBe(true);
    expect(letters.map((letter) => letter.body).sort()).toEqual(['one', 'two']);
  });

  it('counts the letters in flight in the depth as well as the visible ones', async () => {
    // Prepare
    const queues = await createQueues();
    const deadLetters = new SqsDeadLetterQueues({ client: sqs, queues });
    await sendRaw(queues.create.deadLetterUrl, ['a', 'b', 'c']);
    await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queues.create.deadLetterUrl, VisibilityTimeout: 60 }),
    );

    // Act + Assess
    expect(await counts(queues.create.deadLetterUrl)).toEqual({ visible: 2, inFlight: 1 });
    expect(await deadLetters.depth('create')).toBe(3);
    expect(await deadLetters.depth('notify')).toBe(0);
  });

  it('fails send, peek, depth, redrive and its status on a dead-letter queue that does not exist as QUEUE_NOT_FOUND, naming queue and action', async () => {
    // Prepare
    const queues = await createQueues();
    await sqs.send(new DeleteQueueCommand({ QueueUrl: queues.notify.deadLetterUrl }));
    const deadLetters = new SqsDeadLetterQueues({ client: sqs, queues });

    // Act
    const errors = {
      SendMessage: await rejection(deadLetters.send('notify', 'body', 'reason')),
      ReceiveMessage: await rejection(deadLetters.peek('notify')),
      GetQueueAttributes: await rejection(deadLetters.depth('notify')),
      StartMessageMoveTask: await rejection(deadLetters.redrive('notify')),
      ListMessageMoveTasks: await rejection(deadLetters.redriveStatus({ queue: 'notify', taskHandle: 't' })),
    };

    // Assess
    for (const [action, error] of Object.entries(errors)) {
      expect(error).toBeInstanceOf(QueueError);
      expect(error).toMatchObject({ code: 'QUEUE_NOT_FOUND', queue: 'notify', retryable: false });
      expect((error as Error).message).toBe(`${action}: the notify queue does not exist`);
    }
  });

  it('moves every dead letter back to its work queue and reports the move COMPLETED with the number moved', async () => {
    // Prepare
    const queues = await createQueues();
    const deadLetters = new SqsDeadLetterQueues({ client: sqs, queues });
    for (const body of ['a', 'b', 'c']) await deadLetters.send('create', body, 'gave up');

    // Act
    const task = await deadLetters.redrive('create');
    const status = await eventually(
      'the move task to end',
      () => deadLetters.redriveStatus(task),
      (current) => current.status !== 'RUNNING',
    );

    // Assess
    expect(task).toEqual({ queue: 'create', taskHandle: expect.any(String) });
    expect(status).toEqual({ status: 'COMPLETED', moved: 3 });
    expect(await drain(queues.create.url)).toEqual(['a', 'b', 'c']);
    expect(await deadLetters.depth('create')).toBe(0);
  });

  it('answers UNKNOWN with nothing moved for a dead-letter queue that never had a move task', async () => {
    const queues = await createQueues();
    const deadLetters = new SqsDeadLetterQueues({ client: sqs, queues });

    expect(await deadLetters.redriveStatus({ queue: 'requests', taskHandle: 'never-started' })).toEqual({
      status: 'UNKNOWN',
      moved: 0,
    });
  });

  it("refuses to redrive from a queue that is no work queue's dead-letter queue", async () => {
    // Prepare
    const queues = await createQueues();
    const plain = await createQueue(uniqueName('plain'));
    const deadLetters = new SqsDeadLetterQueues({
      client: sqs,
      queues: { ...queues, notify: { url: queues.notify.url, deadLetterUrl: plain } },
    });
    await sendRaw(plain, ['x']);

    // Act
    const error = await rejection(deadLetters.redrive('notify'));

    // Assess
    expect(error).toBeInstanceOf(QueueError);
    expect(error).toMatchObject({ queue: 'notify', code: 'QUEUE_MESSAGE_INVALID' });
    expect((error as Error).message).toMatch(/StartMessageMoveTask.*Dead Letter Queue/);
    expect(await counts(plain)).toEqual({ visible: 1, inFlight: 0 });
  });

  it('fails a redrive whose work queue does not exist yet as QUEUE_NOT_FOUND, and finds it once it exists', async () => {
    // Prepare: the work queue's URL is configured before the queue is created
    const deadLetterUrl = await createQueue(uniqueName('requests-dlq'));
    const name = uniqueName('requests');
    const url = `${server.url}/000000000000/${name}`;
    const queues = await createQueues();
    const deadLetters = new SqsDeadLetterQueues({
      client: sqs,
      queues: { ...queues, requests: { url, deadLetterUrl } },
    });
    await sendRaw(deadLetterUrl, ['waiting']);

    // Act
    const missing = await rejection(deadLetters.redrive('requests'));
    const created = await createQueue(name, { RedrivePolicy: redrivePolicy(await arnOf(deadLetterUrl)) });
    const task = await deadLetters.redrive('requests');
    await eventually(
      'the move task to end',
      () => deadLetters.redriveStatus(task),
      (current) => current.status === 'COMPLETED',
    );

    // Assess
    expect(created).toBe(url);
    expect(missing).toMatchObject({ code: 'QUEUE_NOT_FOUND', queue: 'requests' });
    expect(await drain(url)).toEqual(['waiting']);
  });

  it('fails the status of a move whose dead-letter queue was deleted since as QUEUE_FAILED', async () => {
    // Prepare
    const queues = await createQueues();
    const deadLetters = new SqsDeadLetterQueues({ client: sqs, queues });
    await deadLetters.send('notify', 'x', 'gave up');
    const task = await deadLetters.redrive('notify');
    await sqs.send(new DeleteQueueCommand({ QueueUrl: queues.notify.deadLetterUrl }));

    // Act
    const error = await rejection(deadLetters.redriveStatus(task));

    // Assess
    expect(error).toBeInstanceOf(QueueError);
    expect(error).toMatchObject({ code: 'QUEUE_FAILED', queue: 'notify', retryable: false });
    expect((error as Error).message).toMatch(/ListMessageMoveTasks.*ResourceNotFound/);
  });

  it('finds the SQS server through the SDK configuration (AWS_ENDPOINT_URL_SQS) when given no client', async () => {
    // Prepare
    const queues = await createQueues();
    vi.stubEnv('AWS_ENDPOINT_URL_SQS', server.url);
    vi.stubEnv('AWS_REGION', REGION);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    const deadLetters = new SqsDeadLetterQueues({ queues });

    // Act
    await deadLetters.send('create', 'through the environment', 'gave up');

    // Assess
    expect(await deadLetters.depth('create')).toBe(1);
    expect(await drain(queues.create.deadLetterUrl)).toEqual(['through the environment']);
  });
});
