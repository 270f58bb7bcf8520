import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { type RunningSqsServer, startSqsServer } from '@replica-flow/sqs-server/sqs-server.ts';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type SqsEventSource, startSqsEventSource } from '#local/stack/sqs-event-source.ts';
import { ConfigError } from '#shared/errors.ts';
import { logger } from '#shared/logger.ts';
import { until } from '#test/support/eventually.ts';

const REGION = 'ap-southeast-1';

let server: RunningSqsServer;
let sqs: SQSClient;
const sources: SqsEventSource[] = [];

let queueCounter = 0;
const createQueue = async (attributes: Record<string, string> = { VisibilityTimeout: '1' }) => {
  queueCounter += 1;
  const name = `events-${queueCounter}-${Date.now()}`;
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  return { url: QueueUrl ?? '', arn: `arn:aws:sqs:${REGION}:000000000000:${name}`, name };
};

const sendAll = (queueUrl: string, bodies: readonly string[]) =>
  sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: bodies.map((body) => ({
        Id: body,
        MessageBody: body,
        MessageAttributes: { source: { DataType: 'String', StringValue: 'test' } },
      })),
    }),
  );

const queueCounts = async (queueUrl: string) => {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes?.ApproximateNumberOfMessages) +
    Number(Attributes?.ApproximateNumberOfMessagesNotVisible)
  );
};

/** Every record a handler saw, in order, with the receive count it carried. */
const recorder = () => {
  const seen: { body: string; receiveCount: string }[] = [];
  const events: SQSEvent[] = [];
  const contexts: Context[] = [];
  const record = (event: SQSEvent, context: Context) => {
    events.push(event);
    contexts.push(context);
    for (const item of event.Records)
      seen.push({ body: item.body, receiveCount: item.attributes.ApproximateReceiveCount });
  };
  return { seen, events, contexts, record };
};

const start = (
  options: Omit<Parameters<typeof startSqsEventSource>[0], 'client' | 'functionName' | 'timeoutMs'> & {
    timeoutMs?: number;
  },
) => {
  const source = startSqsEventSource({
    client: sqs,
    functionName: 'validate',
    timeoutMs: 1_000,
    waitTimeSeconds: 1,
    maxConcurrency: 1,
    ...options,
  });
  sources.push(source);
  return source;
};

beforeAll(async () => {
  server = await startSqsServer({ region: REGION });
  sqs = new SQSClient({
    endpoint: server.url,
    region: REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterEach(async () => {
  await Promise.all(sources.splice(0).map((source) => source.stop()));
  vi.restoreAllMocks();
});

afterAll(async () => {
  sqs.destroy();
  await server.close();
});

describe('startSqsEventSource', () => {
  it('invokes the handler with a Lambda-shaped SQSEvent and a Context, then deletes the batch', async () => {
    // Prepare
    const queue = await createQueue({ VisibilityTimeout: '30' });
    await sendAll(queue.url, ['a', 'b', 'c']);
    const handled = recorder();

    // Act
    start({ queueUrl: queue.url, queueArn: queue.arn, handler: handled.record, batchSize: 10 });
    await until(
      'three records handled and the queue empty',
      async () => handled.seen.length === 3 && (await queueCounts(queue.url)) === 0,
    );

    // Assess
    const [event] = handled.events;
    expect(event?.Records).toHaveLength(3);
    const record = event?.Records[0] as SQSRecord;
    expect(record).toEqual({
      messageId: expect.any(String),
      receiptHandle: expect.any(String),
      body: 'a',
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: expect.stringMatching(/^\d+$/),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d+$/),
      },
      messageAttributes: {
        source: { stringValue: 'test', stringListValues: [], binaryListValues: [], dataType: 'String' },
      },
      md5OfBody: '0cc175b9c0f1b6a831c399e269772661',
      md5OfMessageAttributes: expect.stringMatching(/^[0-9a-f]{32}$/),
      eventSource: 'aws:sqs',
      eventSourceARN: queue.arn,
      awsRegion: REGION,
    });
    const context = handled.contexts[0] as Context;
    expect(context.functionName).toBe('validate');
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
    expect(context.getRemainingTimeInMillis()).toBeLessThanOrEqual(1_000);
  });

  it('redelivers only the records reported in batchItemFailures', async () => {
    // Prepare
    const queue = await createQueue();
    await sendAll(queue.url, ['a', 'b', 'c']);
    const handled = recorder();
    const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
      handled.record(event, context);
      const failures = event.Records.filter(
        (item) => item.body === 'b' && item.attributes.ApproximateReceiveCount === '1',
      );
      return { batchItemFailures: failures.map((item) => ({ itemIdentifier: item.messageId })) };
    };

    // Act
    start({ queueUrl: queue.url, queueArn: queue.arn, handler });
    await until(
      'four records handled and the queue empty',
      async () => handled.seen.length === 4 && (await queueCounts(queue.url)) === 0,
    );

    // Assess
    expect(handled.seen).toEqual([
      { body: 'a', receiveCount: '1' },
      { body: 'b', receiveCount: '1' },
      { body: 'c', receiveCount: '1' },
      { body: 'b', receiveCount: '2' },
    ]);
  });

  it('retries the whole batch when the handler throws, and logs the failure without the bodies', async () => {
    // Prepare
    const queue = await createQueue();
    await sendAll(queue.url, ['secret-body-1', 'secret-body-2']);
    const handled = recorder();
    const logged = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    let calls = 0;
    const handler = (event: SQSEvent, context: Context) => {
      handled.record(event, context);
      calls += 1;
      if (calls === 1) throw new Error('database unavailable');
      return undefined;
    };

    // Act
    start({ queueUrl: queue.url, queueArn: queue.arn, handler });
    await until(
      'four records handled and the queue empty',
      async () => handled.seen.length === 4 && (await queueCounts(queue.url)) === 0,
    );

    // Assess
    expect(handled.seen.map((item) => item.receiveCount)).toEqual(['1', '1', '2', '2']);
    expect(logged).toHaveBeenCalledTimes(1);
    expect(logged.mock.calls[0]?.[0]).toBe('Handler failed; the whole batch will be retried');
    const logText = JSON.stringify(logged.mock.calls);
    expect(logText).toContain('database unavailable');
    expect(logText).not.toContain('secret-body');
  });

  it('retries the whole batch on an invalid answer or when the handler outlives its timeout', async () => {
    // Prepare
    const invalidQueue = await createQueue();
    const slowQueue = await createQueue({ VisibilityTimeout: '1' });
    await sendAll(invalidQueue.url, ['x', 'y']);
    await sendAll(slowQueue.url, ['slow']);
    vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const invalid = recorder();
    const slow = recorder();

    // Act
    start({
      queueUrl: invalidQueue.url,
      queueArn: invalidQueue.arn,
      handler: (event: SQSEvent, context: Context) => {
        invalid.record(event, context);
        return invalid.events.length === 1
          ? { batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] }
          : {};
      },
    });
    start({
      queueUrl: slowQueue.url,
      queueArn: slowQueue.arn,
      timeoutMs: 200,
      handler: async (event: SQSEvent, context: Context) => {
        slow.record(event, context);
        if (slow.events.length === 1) await new Promise((resolve) => setTimeout(resolve, 400));
      },
    });
    await until(
      'both queues handled and empty',
      async () =>
        invalid.seen.length === 4 &&
        slow.seen.length === 2 &&
        (await queueCounts(invalidQueue.url)) === 0 &&
        (await queueCounts(slowQueue.url)) === 0,
    );

    // Assess
    expect(invalid.seen.map((item) => item.receiveCount)).toEqual(['1', '1', '2', '2']);
    expect(slow.seen.map((item) => item.receiveCount)).toEqual(['1', '2']);
  });

  it('stop() ends an idle long poll at once', async () => {
    // Prepare
    const queue = await createQueue();
    let receives = 0;
    const client = new SQSClient({
      endpoint: server.url,
      region: REGION,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'ReceiveMessageCommand') receives += 1;
        return next(args);
      },
      { step: 'initialize' },
    );
    const source = startSqsEventSource({
      client,
      functionName: 'validate',
      timeoutMs: 1_000,
      maxConcurrency: 1,
      queueUrl: queue.url,
      queueArn: queue.arn,
      handler: () => undefined,
      waitTimeSeconds: 20,
    });
    sources.push(source);
    await until('the source polling', () => receives > 0);
    const stoppingAt = Date.now();

    // Act
    await source.stop();
    client.destroy();

    // Assess: well before the 20 s the poll would have waited
    expect(Date.now() - stoppingAt).toBeLessThan(5_000);
  });

  it('stop() waits for the running invocation and deletes its batch before resolving', async () => {
    // Prepare
    const queue = await createQueue({ VisibilityTimeout: '30' });
    await sendAll(queue.url, ['in-flight']);
    let release: () => void = () => undefined;
    const started = new Promise<void>((resolveStarted) => {
      const handler = () =>
        new Promise<void>((resolve) => {
          release = resolve;
          resolveStarted();
        });
      start({
        queueUrl: queue.url,
        queueArn: queue.arn,
        handler,
        timeoutMs: 5_000,
        visibilityTimeoutSeconds: 30,
      });
    });
    await started;
    let stopped = false;

    // Act
    const stopping = sources[0]?.stop().then(() => {
      stopped = true;
    });
    // A pause to give a wrong stop() the chance to resolve early: a slow machine can only make
    // this check weaker, never make a right stop() fail it.
    await new Promise((resolve) => setTimeout(resolve, 150));
    const stoppedBeforeRelease = stopped;
    release();
    await stopping;

    // Assess
    expect(stoppedBeforeRelease).toBe(false);
    expect(stopped).toBe(true);
    expect(await queueCounts(queue.url)).toBe(0);
  });

  it('keeps polling through queue errors, and starts delivering once the queue exists', async () => {
    // Prepare
    const name = `late-${Date.now()}`;
    const queueUrl = `${server.url}/000000000000/${name}`;
    const warned = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const handled = recorder();
    start({ queueUrl, queueArn: `arn:aws:sqs:${REGION}:000000000000:${name}`, handler: handled.record });
    await until('a warning about the missing queue', () => warned.mock.calls.length > 0);

    // Act
    await sqs.send(new CreateQueueCommand({ QueueName: name }));
    await sendAll(queueUrl, ['finally']);
    await until('the record handled', () => handled.seen.length === 1);

    // Assess
    expect(warned.mock.calls[0]?.[0]).toBe('SQS event source could not receive; retrying');
    expect(handled.seen).toEqual([{ body: 'finally', receiveCount: '1' }]);
  });

  it('refuses settings Lambda would refuse', () => {
    const base = {
      client: sqs,
      queueUrl: `${server.url}/000000000000/any`,
      queueArn: `arn:aws:sqs:${REGION}:000000000000:any`,
      handler: () => undefined,
      functionName: 'validate',
      timeoutMs: 30_000,
    };
    expect(() => startSqsEventSource({ ...base, batchSize: 11 })).toThrow(ConfigError);
    expect(() => startSqsEventSource({ ...base, visibilityTimeoutSeconds: 10 })).toThrow(
      /less than the function timeout/,
    );
    expect(() => startSqsEventSource({ ...base, queueArn: 'arn:aws:sns:x' })).toThrow(ConfigError);
  });
});
