import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchBundles } from '#local/bench/run-task-process.ts';
import { LOCAL_DYNAMO_CLIENT_CONFIG } from '#local/stack/dynalite-server.ts';
import { type LocalServices, startServicesInWorker } from '#local/stack/local-services.ts';

/** The bench's layout: dynalite and the SQS server in a worker thread, reached over HTTP as before. */
describe('local services in a worker thread', () => {
  let dataDir: string;
  let services: LocalServices;
  const dynamo = () => new DynamoDBClient({ ...LOCAL_DYNAMO_CLIENT_CONFIG, endpoint: services.dynamo.url });
  const sqs = () => new SQSClient({ ...LOCAL_DYNAMO_CLIENT_CONFIG, endpoint: services.sqs.url });

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'replica-flow-services-worker-'));
    const { servicesWorker } = await benchBundles();
    services = await startServicesInWorker(
      {
        dynamo: { port: 0, dataDir: join(dataDir, 'dynamodb'), tableName: 'replica-flow' },
        sqs: { port: 0, dataDir: join(dataDir, 'sqs') },
      },
      servicesWorker,
    );
  }, 60_000);
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves DynamoDB with the table created, and SQS, on their own ports', async () => {
    const dynamoClient = dynamo();
    const sqsClient = sqs();
    try {
      expect(services.dynamo.port).not.toBe(services.sqs.port);
      const table = await dynamoClient.send(new DescribeTableCommand({ TableName: 'replica-flow' }));
      expect(table.Table?.TableStatus).toBe('ACTIVE');
      const { QueueUrl } = await sqsClient.send(new CreateQueueCommand({ QueueName: 'worker-test' }));
      await sqsClient.send(new SendMessageCommand({ QueueUrl, MessageBody: '{"requestId":"r-1"}' }));
      const received = await sqsClient.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
      expect(received.Messages?.map((message) => message.Body)).toEqual(['{"requestId":"r-1"}']);
    } finally {
      dynamoClient.destroy();
      sqsClient.destroy();
    }
  });

  it('closes both servers and ends the thread', async () => {
    await services.close();
    const client = dynamo();
    try {
      await expect(
        client.send(new DescribeTableCommand({ TableName: 'replica-flow' }), {
          abortSignal: AbortSignal.timeout(2000),
        }),
      ).rejects.toThrow();
    } finally {
      client.destroy();
    }
  });

  it('refuses a worker file that cannot start the services, naming why', async () => {
    await expect(
      startServicesInWorker(
        {
          dynamo: { port: 0, dataDir: join(dataDir, 'other'), tableName: 'replica-flow' },
          sqs: { port: -1, dataDir: join(dataDir, 'other-sqs') },
        },
        (await benchBundles()).servicesWorker,
      ),
    ).rejects.toThrow(/local services worker could not start/);
  });
});
