import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  BatchEntryIdsNotDistinct,
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  EmptyBatchRequest,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  InvalidAttributeName,
  InvalidAttributeValue,
  ListDeadLetterSourceQueuesCommand,
  ListMessageMoveTasksCommand,
  ListQueuesCommand,
  type MessageAttributeValue,
  MessageNotInflight,
  PurgeQueueCommand,
  QueueDoesNotExist,
  QueueNameExists,
  ReceiptHandleIsInvalid,
  ReceiveMessageCommand,
  ResourceNotFoundException,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
  TooManyEntriesInBatchRequest,
} from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSqsServer, startSqsServer } from '#sqs-server/sqs-server.ts';
import { SqsServerConfigError } from '#sqs-server/sqs-server-error.ts';
import { eventually } from '#sqs-server-test/support/eventually.ts';

/** The package's `sqs-server` bin (src/main.ts through tsx), as `npx sqs-server` runs it. */
const BIN = fileURLToPath(new URL('../bin/sqs-server.js', import.meta.url));

const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const REGION = 'ap-southeast-1';

let server: RunningSqsServer;
let sqs: SQSClient;
const extraServers: RunningSqsServer[] = [];
const extraClients: SQSClient[] = [];
const tempDirs: string[] = [];

const clientFor = (url: string, maxAttempts = 3) => {
  const client = new SQSClient({ endpoint: url, region: REGION, credentials: CREDENTIALS, maxAttempts });
  extraClients.push(client);
  return client;
};

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

let queueCounter = 0;
const createQueue = async (attributes: Record<string, string> = {}, client = sqs) => {
  queueCounter += 1;
  const name = `q${queueCounter}-${Date.now()}`;
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (!QueueUrl) throw new Error('no queue url');
  return { name, url: QueueUrl, arn: `arn:aws:sqs:${REGION}:000000000000:${name}` };
};

const attributesOf = async (url: string, client = sqs) =>
  (await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes ??
  {};

const receive = async (url: string, options: { wait?: number; max?: number; visibility?: number } = {}) =>
  (
    await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        WaitTimeSeconds: options.wait ?? 0,
        MaxNumberOfMessages: options.max ?? 10,
        VisibilityTimeout: options.visibility,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    )
  ).Messages ?? [];

const rejection = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error as Error & { $metadata?: { httpStatusCode?: number } };
  }
  throw new Error('expected a rejection');
};

const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'replica-flow-sqs-'));
  tempDirs.push(dir);
  return dir;
};

beforeAll(async () => {
  server = await startSqsServer();
  sqs = new SQSClient({ endpoint: server.url, region: REGION, credentials: CREDENTIALS });
});

afterEach(async () => {
  for (const client of extraClients.splice(0)) client.destroy();
  await Promise.all(extraServers.splice(0).map((extra) => extra.close()));
});

afterAll(async () => {
  sqs.destroy();
  await server.close();
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('startSqsServer', () => {
  it('listens on a random local port and names queues by URL and ARN like SQS', async () => {
    // Act
    const queue = await createQueue();

    // Assess
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(queue.url).toBe(`${server.url}/000000000000/${queue.name}`);
    expect((await attributesOf(queue.url)).QueueArn).toBe(queue.arn);
    expect((await sqs.send(new GetQueueUrlCommand({ QueueName: queue.name }))).QueueUrl).toBe(queue.url);
  });

  it('sends, receives and deletes a message, with MD5s of body and attributes that the SDK accepts', async () => {
    // Prepare
    const queue = await createQueue();
    const body = '{"note":"héllo 世界 🎉","crlf":"a\\r\\nb"}';
    const messageAttributes: Record<string, MessageAttributeValue> = {
      requestId: { DataType: 'String', StringValue: 'r-123' },
      attempt: { DataType: 'Number', StringValue: '2' },
      blob: { DataType: 'Binary', BinaryValue: new Uint8Array([0, 1, 254, 255]) },
    };

    // Act
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: queue.url,
        MessageBody: body,
        MessageAttributes: messageAttributes,
      }),
    );
    const [message] = await receive(queue.url);

    // Assess
    expect(sent.MD5OfMessageBody).toBe(md5(body));
    expect(message?.Body).toBe(body);
    expect(message?.MessageId).toBe(sent.MessageId);
    expect(message?.MD5OfBody).toBe(md5(body));
    expect(message?.MD5OfMessageAttributes).toBe(sent.MD5OfMessageAttributes);
    expect(message?.MD5OfMessageAttributes).toBe(referenceAttributesMd5(messageAttributes));
    expect(message?.MessageAttributes?.requestId?.StringValue).toBe('r-123');
    expect([...(message?.MessageAttributes?.blob?.BinaryValue ?? [])]).toEqual([0, 1, 254, 255]);
    expect(message?.Attributes).toMatchObject({ ApproximateReceiveCount: '1', SenderId: 'local' });
    expect(Number(message?.Attributes?.SentTimestamp)).toBeGreaterThan(0);

    await sqs.send(new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: message?.ReceiptHandle }));
    expect(await attributesOf(queue.url)).toMatchObject({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
    });
  });

  it('hides a received message for its visibility timeout, then redelivers it with a higher receive count', async () => {
    // Prepare
    const queue = await createQueue({ VisibilityTimeout: '1' });
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'work' }));

    // Act
    const [first] = await receive(queue.url);
    const whileHidden = await receive(queue.url);
    const hiddenCounts = await attributesOf(queue.url);
    const [second] = await receive(queue.url, { wait: 3 });

    // Assess
    expect(first?.Attributes?.ApproximateReceiveCount).toBe('1');
    expect(whileHidden).toEqual([]);
    expect(hiddenCounts).toMatchObject({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '1',
    });
    expect(second?.MessageId).toBe(first?.MessageId);
    expect(second?.Attributes?.ApproximateReceiveCount).toBe('2');
    expect(second?.Attributes?.ApproximateFirstReceiveTimestamp).toBe(
      first?.Attributes?.ApproximateFirstReceiveTimestamp,
    );
    expect(second?.ReceiptHandle).not.toBe(first?.ReceiptHandle);
  });

  it('answers a long poll as soon as a message arrives, and an idle one after WaitTimeSeconds', async () => {
    // Prepare: a long poll of 20 s. The send comes 200 ms later so that the poll is normally parked
    // on the server by then; no assertion depends on it (a send that came first is received too).
    const queue = await createQueue();
    const startedAt = Date.now();
    const polling = receive(queue.url, { wait: 20 });

    // Act
    await new Promise((resolve) => setTimeout(resolve, 200));
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'late' }));
    const messages = await polling;
    const earlyAfterMs = Date.now() - startedAt;
    const idleStartedAt = Date.now();
    const idle = await receive(queue.url, { wait: 1 });
    const idleAfterMs = Date.now() - idleStartedAt;

    // Assess: answered with the message, long before its 20 s were up; the idle poll waited its 1 s
    expect(messages.map((message) => message.Body)).toEqual(['late']);
    expect(earlyAfterMs).toBeLessThan(10_000);
    expect(idle).toEqual([]);
    expect(idleAfterMs).toBeGreaterThanOrEqual(950);
    expect(idleAfterMs).toBeLessThan(10_000);
  });

  it('moves a message to the dead-letter queue on the receive after maxReceiveCount', async () => {
    // Prepare
    const deadLetters = await createQueue();
    const source = await createQueue({
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetters.arn, maxReceiveCount: 2 }),
    });
    await sqs.send(new SendMessageCommand({ QueueUrl: source.url, MessageBody: 'poison' }));

    // Act: a visibility timeout of 0 makes each failed attempt visible again at once
    const attempts = [
      await receive(source.url, { visibility: 0 }),
      await receive(source.url, { visibility: 0 }),
      await receive(source.url, { visibility: 0 }),
    ];
    const [dead] = await receive(deadLetters.url);

    // Assess
    expect(
      attempts.map((messages) => messages.map((message) => message.Attributes?.ApproximateReceiveCount)),
    ).toEqual([['1'], ['2'], []]);
    expect(dead?.Body).toBe('poison');
    expect(dead?.Attributes?.DeadLetterQueueSourceArn).toBe(source.arn);
    const { queueUrls } = await sqs.send(
      new ListDeadLetterSourceQueuesCommand({ QueueUrl: deadLetters.url }),
    );
    expect(queueUrls).toEqual([source.url]);
  });

  it('redrives dead letters to their source queue, or to DestinationArn, with StartMessageMoveTask', async () => {
    // Prepare
    const deadLetters = await createQueue();
    const source = await createQueue({
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetters.arn, maxReceiveCount: '1' }),
    });
    const elsewhere = await createQueue();
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: source.url,
        Entries: [
          { Id: 'a', MessageBody: 'a' },
          { Id: 'b', MessageBody: 'b' },
        ],
      }),
    );
    await receive(source.url, { visibility: 0 });
    expect(await receive(source.url)).toEqual([]); // both moved to the dead-letter queue
    expect((await attributesOf(deadLetters.url)).ApproximateNumberOfMessages).toBe('2');

    // Act
    const { TaskHandle } = await sqs.send(
      new StartMessageMoveTaskCommand({ SourceArn: deadLetters.arn, MaxNumberOfMessagesPerSecond: 100 }),
    );
    const task = await waitForMoveTask(deadLetters.arn);
    const redriven = await receive(source.url, { wait: 2, visibility: 0 });

    // Assess
    expect(TaskHandle).toBeTruthy();
    expect(task).toMatchObject({
      Status: 'COMPLETED',
      ApproximateNumberOfMessagesMoved: 2,
      SourceArn: deadLetters.arn,
    });
    expect(redriven.map((message) => message.Body).sort()).toEqual(['a', 'b']);
    expect(redriven.map((message) => message.Attributes?.ApproximateReceiveCount)).toEqual(['1', '1']);

    // Act again: the next receive dead-letters both once more; send them to another queue
    expect(await receive(source.url)).toEqual([]);
    expect((await attributesOf(deadLetters.url)).ApproximateNumberOfMessages).toBe('2');
    await sqs.send(
      new StartMessageMoveTaskCommand({ SourceArn: deadLetters.arn, DestinationArn: elsewhere.arn }),
    );
    await waitForMoveTask(deadLetters.arn);
    expect((await receive(elsewhere.url, { wait: 2 })).map((message) => message.Body).sort()).toEqual([
      'a',
      'b',
    ]);
  });

  it('refuses StartMessageMoveTask for a queue that is no dead-letter queue, or that does not exist', async () => {
    // Prepare
    const plain = await createQueue();

    // Act
    const notDeadLetter = await rejection(
      sqs.send(new StartMessageMoveTaskCommand({ SourceArn: plain.arn })),
    );
    const missing = await rejection(
      sqs.send(new StartMessageMoveTaskCommand({ SourceArn: `${plain.arn}-missing` })),
    );

    // Assess
    expect(notDeadLetter.name).toBe('InvalidParameterValue');
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
  });

  it('changes the visibility of an in-flight message and refuses stale handles and out-of-range timeouts', async () => {
    // Prepare
    const queue = await createQueue({ VisibilityTimeout: '30' });
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'retry me' }));
    const [first] = await receive(queue.url);
    const change = (receiptHandle: string | undefined, seconds: number) =>
      sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queue.url,
          ReceiptHandle: receiptHandle,
          VisibilityTimeout: seconds,
        }),
      );

    // Act
    const tooLong = await rejection(change(first?.ReceiptHandle, 43_201));
    await change(first?.ReceiptHandle, 0);
    const notInFlight = await rejection(change(first?.ReceiptHandle, 10));
    const [second] = await receive(queue.url);
    const stale = await rejection(change(first?.ReceiptHandle, 10));
    const garbage = await rejection(change('not-a-handle', 10));

    // Assess
    expect(tooLong.name).toBe('InvalidParameterValue');
    expect(notInFlight).toBeInstanceOf(MessageNotInflight);
    expect(second?.Attributes?.ApproximateReceiveCount).toBe('2');
    expect(stale.name).toBe('InvalidParameterValue');
    expect(garbage).toBeInstanceOf(ReceiptHandleIsInvalid);
  });

  it('reports the entries of batch calls it refuses in Failed and processes the others', async () => {
    // Prepare
    const queue = await createQueue({ VisibilityTimeout: '30' });

    // Act
    const sent = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: [
          { Id: 'ok-1', MessageBody: 'one' },
          { Id: 'bad', MessageBody: 'nul \u0000 inside' },
          { Id: 'ok-2', MessageBody: 'two', DelaySeconds: 0 },
          { Id: 'late', MessageBody: 'three', DelaySeconds: 901 },
        ],
      }),
    );
    const received = await receive(queue.url);
    const deleted = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: [
          { Id: 'real', ReceiptHandle: received[0]?.ReceiptHandle },
          { Id: 'fake', ReceiptHandle: '%%%' },
        ],
      }),
    );
    const changed = await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queue.url,
        Entries: [
          { Id: 'real', ReceiptHandle: received[1]?.ReceiptHandle, VisibilityTimeout: 0 },
          { Id: 'fake', ReceiptHandle: '%%%', VisibilityTimeout: 0 },
        ],
      }),
    );

    // Assess
    expect(sent.Successful?.map((entry) => entry.Id)).toEqual(['ok-1', 'ok-2']);
    expect(sent.Failed).toEqual([
      expect.objectContaining({ Id: 'bad', Code: 'InvalidMessageContents', SenderFault: true }),
      expect.objectContaining({ Id: 'late', Code: 'InvalidParameterValue', SenderFault: true }),
    ]);
    expect(received.map((message) => message.Body)).toEqual(['one', 'two']);
    expect(deleted.Successful).toEqual([{ Id: 'real' }]);
    expect(deleted.Failed).toEqual([expect.objectContaining({ Id: 'fake', Code: 'ReceiptHandleIsInvalid' })]);
    expect(changed.Successful).toEqual([{ Id: 'real' }]);
    expect(changed.Failed).toEqual([expect.objectContaining({ Id: 'fake', Code: 'ReceiptHandleIsInvalid' })]);
    expect((await receive(queue.url)).map((message) => message.Body)).toEqual(['two']);
  });

  it('refuses a whole batch that is empty, too long, or has repeated ids', async () => {
    // Prepare
    const queue = await createQueue();
    const entries = (count: number) =>
      Array.from({ length: count }, (_, index) => ({ Id: `e${index}`, MessageBody: `m${index}` }));

    // Act
    const empty = await rejection(
      sqs.send(new SendMessageBatchCommand({ QueueUrl: queue.url, Entries: [] })),
    );
    const tooMany = await rejection(
      sqs.send(new SendMessageBatchCommand({ QueueUrl: queue.url, Entries: entries(11) })),
    );
    const repeated = await rejection(
      sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queue.url,
          Entries: [
            { Id: 'same', ReceiptHandle: 'x' },
            { Id: 'same', ReceiptHandle: 'y' },
          ],
        }),
      ),
    );

    // Assess
    expect(empty).toBeInstanceOf(EmptyBatchRequest);
    expect(tooMany).toBeInstanceOf(TooManyEntriesInBatchRequest);
    expect(repeated).toBeInstanceOf(BatchEntryIdsNotDistinct);
    expect((await attributesOf(queue.url)).ApproximateNumberOfMessages).toBe('0');
  });

  it('delays messages by DelaySeconds and drops them after the retention period (frozen clock)', async () => {
    // Prepare
    let now = Date.UTC(2026, 10, 29, 12);
    const clocked = await startSqsServer({ now: () => now });
    extraServers.push(clocked);
    const client = clientFor(clocked.url);
    const queue = await createQueue({ MessageRetentionPeriod: '60', DelaySeconds: '5' }, client);
    const receiveNow = async () =>
      (await client.send(new ReceiveMessageCommand({ QueueUrl: queue.url, WaitTimeSeconds: 0 }))).Messages ??
      [];
    await client.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'queue default delay' }));
    await client.send(
      new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'no delay', DelaySeconds: 0 }),
    );

    // Act
    const atOnce = await receiveNow();
    const delayedCounts = await attributesOf(queue.url, client);
    now += 5_000;
    const afterDelay = await receiveNow();
    await client.send(
      new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'expires', DelaySeconds: 0 }),
    );
    now += 61_000;
    const afterRetention = await attributesOf(queue.url, client);

    // Assess
    expect(atOnce.map((message) => message.Body)).toEqual(['no delay']);
    expect(delayedCounts).toMatchObject({
      ApproximateNumberOfMessagesDelayed: '1',
      ApproximateNumberOfMessagesNotVisible: '1',
    });
    expect(afterDelay.map((message) => message.Body)).toEqual(['queue default delay']);
    expect(afterRetention).toMatchObject({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
      ApproximateNumberOfMessagesDelayed: '0',
    });
  });

  it('creates queues idempotently, validates attributes, and changes, purges and deletes queues', async () => {
    // Prepare
    const queue = await createQueue({ VisibilityTimeout: '5' });

    // Act
    const again = await sqs.send(
      new CreateQueueCommand({ QueueName: queue.name, Attributes: { VisibilityTimeout: '5' } }),
    );
    const conflicting = await rejection(
      sqs.send(new CreateQueueCommand({ QueueName: queue.name, Attributes: { VisibilityTimeout: '6' } })),
    );
    const outOfRange = await rejection(
      sqs.send(
        new SetQueueAttributesCommand({ QueueUrl: queue.url, Attributes: { VisibilityTimeout: '43201' } }),
      ),
    );
    const unknownTarget = await rejection(
      sqs.send(
        new SetQueueAttributesCommand({
          QueueUrl: queue.url,
          Attributes: {
            RedrivePolicy: JSON.stringify({ deadLetterTargetArn: `${queue.arn}-nope`, maxReceiveCount: 3 }),
          },
        }),
      ),
    );
    const unknownName = await rejection(
      sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ['Colour' as 'All'] })),
    );
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: queue.url, Attributes: { DelaySeconds: '3' } }));
    const some = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queue.url,
        AttributeNames: ['DelaySeconds', 'VisibilityTimeout'],
      }),
    );
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'x', DelaySeconds: 0 }));
    await sqs.send(new PurgeQueueCommand({ QueueUrl: queue.url }));
    const afterPurge = await attributesOf(queue.url);
    await sqs.send(new DeleteQueueCommand({ QueueUrl: queue.url }));
    const afterDelete = await rejection(sqs.send(new GetQueueUrlCommand({ QueueName: queue.name })));

    // Assess
    expect(again.QueueUrl).toBe(queue.url);
    expect(conflicting).toBeInstanceOf(QueueNameExists);
    expect(outOfRange).toBeInstanceOf(InvalidAttributeValue);
    expect(unknownTarget).toBeInstanceOf(InvalidAttributeValue);
    expect(unknownName).toBeInstanceOf(InvalidAttributeName);
    expect(some.Attributes).toEqual({ DelaySeconds: '3', VisibilityTimeout: '5' });
    expect(afterPurge.ApproximateNumberOfMessages).toBe('0');
    expect(afterDelete).toBeInstanceOf(QueueDoesNotExist);
  });

  it('lists queues by prefix, a page at a time', async () => {
    // Prepare
    const prefix = `list-${Date.now()}`;
    for (const suffix of ['a', 'b', 'c']) {
      await sqs.send(new CreateQueueCommand({ QueueName: `${prefix}-${suffix}` }));
    }

    // Act
    const first = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 2 }));
    const second = await sqs.send(
      new ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 2, NextToken: first.NextToken }),
    );

    // Assess
    expect(first.QueueUrls?.map((url) => url.split('/').pop())).toEqual([`${prefix}-a`, `${prefix}-b`]);
    expect(second.QueueUrls?.map((url) => url.split('/').pop())).toEqual([`${prefix}-c`]);
    expect(second.NextToken).toBeUndefined();
  });

  it('answers malformed requests with SQS errors, and keeps serving', async () => {
    // Prepare
    const queue = await createQueue();
    const post = (target: string | undefined, body: string, headers: Record<string, string> = {}) =>
      fetch(`${server.url}/`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          authorization: 'AWS4-HMAC-SHA256 Credential=local/20261129/ap-southeast-1/sqs/aws4_request',
          ...(target && { 'x-amz-target': target }),
          ...headers,
        },
        body,
      });
    const answer = async (response: Response) => ({
      status: response.status,
      queryError: response.headers.get('x-amzn-query-error'),
      type: ((await response.json()) as { __type: string }).__type,
    });

    // Act
    const results = {
      malformedJson: await answer(await post('AmazonSQS.SendMessage', '{"QueueUrl": ')),
      notAnObject: await answer(await post('AmazonSQS.SendMessage', '[1,2]')),
      unknownAction: await answer(await post('AmazonSQS.FlyToTheMoon', '{}')),
      noTarget: await answer(await post(undefined, '{}')),
      missingMember: await answer(
        await post('AmazonSQS.SendMessage', JSON.stringify({ QueueUrl: queue.url })),
      ),
      wrongType: await answer(
        await post(
          'AmazonSQS.ReceiveMessage',
          JSON.stringify({ QueueUrl: queue.url, MaxNumberOfMessages: 'ten' }),
        ),
      ),
      badQueueUrl: await answer(
        await post('AmazonSQS.SendMessage', JSON.stringify({ QueueUrl: 'not a url', MessageBody: 'x' })),
      ),
      unsigned: await answer(await post('AmazonSQS.ListQueues', '{}', { authorization: '' })),
      queryProtocol: await answer(
        await post('AmazonSQS.ListQueues', 'Action=ListQueues', {
          'content-type': 'application/x-www-form-urlencoded',
        }),
      ),
    };

    // Assess
    expect(results).toEqual({
      malformedJson: {
        status: 400,
        queryError: null,
        type: 'com.amazon.coral.service#SerializationException',
      },
      notAnObject: { status: 400, queryError: null, type: 'com.amazon.coral.service#SerializationException' },
      unknownAction: {
        status: 400,
        queryError: 'InvalidAction;Sender',
        type: 'com.amazonaws.sqs#InvalidAction',
      },
      noTarget: { status: 400, queryError: 'InvalidAction;Sender', type: 'com.amazonaws.sqs#InvalidAction' },
      missingMember: {
        status: 400,
        queryError: 'MissingParameter;Sender',
        type: 'com.amazonaws.sqs#MissingRequiredParameterException',
      },
      wrongType: { status: 400, queryError: null, type: 'com.amazon.coral.service#SerializationException' },
      badQueueUrl: {
        status: 404,
        queryError: 'InvalidAddress;Sender',
        type: 'com.amazonaws.sqs#InvalidAddress',
      },
      unsigned: {
        status: 403,
        queryError: 'MissingAuthenticationToken;Sender',
        type: 'com.amazon.coral.service#MissingAuthenticationTokenException',
      },
      queryProtocol: {
        status: 400,
        queryError: 'AWS.SimpleQueueService.UnsupportedOperation;Sender',
        type: 'com.amazonaws.sqs#UnsupportedOperation',
      },
    });
    const sdkMissing = await rejection(
      sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: '' })),
    );
    expect(sdkMissing.name).toBe('InvalidParameterValue');
    expect(sdkMissing.$metadata?.httpStatusCode).toBe(400);
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'still serving' }));
    expect((await receive(queue.url)).map((message) => message.Body)).toEqual(['still serving']);
  });
});

describe('startSqsServer with a data folder', () => {
  it('keeps queues, messages, receive counts and in-flight receipts across a restart', async () => {
    // Prepare
    const dataDir = await tempDir();
    const before = await startSqsServer({ dataDir });
    const beforeClient = clientFor(before.url);
    const deadLetters = await createQueue({}, beforeClient);
    const queue = await createQueue(
      {
        VisibilityTimeout: '30',
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetters.arn, maxReceiveCount: 5 }),
      },
      beforeClient,
    );
    await beforeClient.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'in flight' }));
    await beforeClient.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'waiting' }));
    const inFlight = (
      await beforeClient.send(new ReceiveMessageCommand({ QueueUrl: queue.url, MaxNumberOfMessages: 1 }))
    ).Messages?.[0];
    await before.close();

    // Act
    const after = await startSqsServer({ dataDir });
    extraServers.push(after);
    const afterClient = clientFor(after.url);
    const { QueueUrl } = await afterClient.send(new GetQueueUrlCommand({ QueueName: queue.name }));
    const counts = await attributesOf(QueueUrl ?? '', afterClient);
    const waiting = (await afterClient.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 })))
      .Messages;
    await afterClient.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: inFlight?.ReceiptHandle }));

    // Assess
    expect(inFlight?.Body).toBe('in flight');
    expect(QueueUrl).toBe(`${after.url}/000000000000/${queue.name}`);
    expect(counts).toMatchObject({
      ApproximateNumberOfMessages: '1',
      ApproximateNumberOfMessagesNotVisible: '1',
      VisibilityTimeout: '30',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetters.arn, maxReceiveCount: 5 }),
    });
    expect(waiting?.map((message) => message.Body)).toEqual(['waiting']);
    expect(await attributesOf(QueueUrl ?? '', afterClient)).toMatchObject({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '1',
    });
  });

  it('refuses a second server on a data folder in use', async () => {
    // Prepare
    const dataDir = await tempDir();
    const first = await startSqsServer({ dataDir });
    extraServers.push(first);

    // Act
    const second = await rejection(startSqsServer({ dataDir }));

    // Assess
    expect(second).toBeInstanceOf(SqsServerConfigError);
    expect(second.message).toContain('in use');
  });

  it('keeps its journal readable line by line across compactions', async () => {
    // Prepare: compaction after every 3 entries; one send at a time, so each is its own write
    const dataDir = await tempDir();
    const running = await startSqsServer({ dataDir, compactAfterEntries: 3 });
    extraServers.push(running);
    const client = clientFor(running.url);
    const queue = await createQueue({}, client);

    // Act
    for (const body of ['a', 'b', 'c', 'd']) {
      await client.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: body }));
    }

    // Assess: the lines since the compaction after 'b' (the queue, 'a', 'b'), each whole JSON
    // (no hole of zero bytes left where the truncated journal used to end)
    const lines = (await readFile(join(dataDir, 'journal.jsonl'), 'utf8')).split('\n').filter(Boolean);
    expect(lines.map((line) => (JSON.parse(line) as { message: { body: string } }).message.body)).toEqual([
      'c',
      'd',
    ]);
  });

  it('keeps every message it acknowledged when its process is killed mid-burst, across compactions', async () => {
    // Prepare: a server process that compacts its journal every 7 entries, and senders that keep
    // sending single messages and batches while it is killed
    const dataDir = await tempDir();
    const child = spawn(
      process.execPath,
      [BIN, '--port', '0', '--data-dir', dataDir, '--compact-after-entries', '7'],
      { env: { ...process.env, LOG_LEVEL: 'WARN' }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      const childClient = clientFor(await announcedUrl(child), 1);
      const queue = await createQueue({}, childClient);
      const acknowledged = new Set<string>();
      const attempted = new Set<string>();
      let enoughSent: () => void = () => undefined;
      const killPoint = new Promise<void>((resolve) => {
        enoughSent = resolve;
      });
      const sender = async (senderId: number) => {
        for (let round = 0; ; round += 1) {
          const bodies = Array.from(
            { length: round % 2 === 0 ? 1 : 10 },
            (_, i) => `s${senderId}-${round}-${i}`,
          );
          for (const body of bodies) attempted.add(body);
          try {
            if (bodies.length === 1) {
              await childClient.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: bodies[0] }));
              acknowledged.add(bodies[0] as string);
            } else {
              const { Successful } = await childClient.send(
                new SendMessageBatchCommand({
                  QueueUrl: queue.url,
                  Entries: bodies.map((body, i) => ({ Id: `e${i}`, MessageBody: body })),
                }),
              );
              for (const entry of Successful ?? [])
                acknowledged.add(bodies[Number(entry.Id?.slice(1))] as string);
            }
          } catch {
            return; // the server is gone
          }
          if (acknowledged.size >= 300) enoughSent();
        }
      };
      const senders = Promise.all(Array.from({ length: 8 }, (_, i) => sender(i)));

      // Act: kill -9 while sends are still in flight, then start again on the same folder
      await killPoint;
      child.kill('SIGKILL');
      await exited;
      await senders;
      const acknowledgedAtKill = [...acknowledged];
      const restarted = await startSqsServer({ dataDir });
      extraServers.push(restarted);
      const client = clientFor(restarted.url);
      const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: queue.name }));
      const received: string[] = [];
      for (;;) {
        const { Messages } = await client.send(
          new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 600 }),
        );
        if (!Messages?.length) break;
        received.push(...Messages.map((message) => message.Body ?? ''));
      }

      // Assess: every acknowledged message is receivable at once, none twice, none invented
      expect(acknowledgedAtKill.length).toBeGreaterThanOrEqual(300);
      expect(acknowledgedAtKill.filter((body) => !received.includes(body))).toEqual([]);
      expect(new Set(received).size).toBe(received.length);
      expect(received.filter((body) => !attempted.has(body))).toEqual([]);
    } finally {
      child.kill('SIGKILL');
    }
  }, 90_000);
});

/** Waits until the latest move task of `sourceArn` has finished, and returns it. */
const waitForMoveTask = async (sourceArn: string) => {
  const latest = await eventually(
    `the move task of ${sourceArn} to finish`,
    async () => (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: sourceArn }))).Results?.[0],
    (task) => task !== undefined && task.Status !== 'RUNNING',
    { intervalMs: 50 },
  );
  if (!latest) throw new Error('no move task');
  return latest;
};

/** The line `{"sqsServerUrl": …}` that src/main.ts prints once it listens. */
const announcedUrl = (child: ChildProcess): Promise<string> =>
  new Promise((resolve, reject) => {
    if (!child.stdout) throw new Error('no stdout');
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (!line.startsWith('{"sqsServerUrl"')) return;
      resolve((JSON.parse(line) as { sqsServerUrl: string }).sqsServerUrl);
      lines.close();
    });
    child.once('exit', (code) => reject(new Error(`server process exited early (${code})`)));
  });

/**
 * MD5OfMessageAttributes computed independently, as AWS documents it: for each attribute in name
 * order, length-prefixed name, length-prefixed type, a transport byte and the length-prefixed value.
 */
const referenceAttributesMd5 = (attributes: Record<string, MessageAttributeValue>): string => {
  const parts: Buffer[] = [];
  const withLength = (bytes: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    parts.push(length, bytes);
  };
  for (const name of Object.keys(attributes).sort()) {
    const value = attributes[name] as MessageAttributeValue;
    withLength(Buffer.from(name));
    withLength(Buffer.from(value.DataType ?? ''));
    if (value.BinaryValue) {
      parts.push(Buffer.from([2]));
      withLength(Buffer.from(value.BinaryValue));
    } else {
      parts.push(Buffer.from([1]));
      withLength(Buffer.from(value.StringValue ?? ''));
    }
  }
  return createHash('md5').update(Buffer.concat(parts)).digest('hex');
};
