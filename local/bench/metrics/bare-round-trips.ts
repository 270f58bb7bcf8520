import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AttributeValue,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { RunningEmulator } from '@replica-flow/tencent-emulator/server.ts';
import { Client } from 'tencentcloud-sdk-nodejs/tencentcloud/services/postgres/v20170312/postgres_client.js';
import { forEachLimited } from '#local/bench/seed-records.ts';
import { LOCAL_DYNAMO_CLIENT_CONFIG } from '#local/stack/dynalite-server.ts';
import { TABLE } from '#shared/adapters/store/table-definition.ts';
import { DEFAULT_DEPLOYMENT } from '#shared/domain/deployment-identity.ts';
import { instanceNameFor } from '#shared/domain/idempotency.ts';
import type { ReplicaPlan } from '#shared/domain/replica-plan.ts';
import { createRequestParams } from '#shared/use-cases/create-request-params.ts';

const TABLE_NAME = 'replica-flow';

/** The floor's hops, in the order a request makes them. */
export const FLOOR_HOPS = [
  'ingress',
  'storeReceived',
  'requestsQueue',
  'validate',
  'precheck',
  'createQueue',
  'lease',
  'tencentCreate',
  'storeSubmitted',
] as const;
export type FloorHop = (typeof FLOOR_HOPS)[number];

export interface FloorResult {
  /** Requests a second through the whole chain. */
  readonly perSecond: number;
  /** Mean milliseconds a request spent in each hop (waiting included: every server shares the process). */
  readonly hopMs: Readonly<Record<FloorHop, number>>;
  /** ReceiveMessage calls that found the queue empty and were repeated (expected 0). */
  readonly emptyReceives: number;
}

/** A bare Tencent SDK client on the emulator, over keep-alive connections. */
export const bareTencentClient = (emulator: RunningEmulator, region: string): Client =>
  new Client({
    credential: emulator.credentials,
    region,
    profile: {
      httpProfile: {
        endpoint: emulator.endpoint,
        protocol: 'http://',
        agent: new http.Agent({ keepAlive: true }),
      },
    },
  });

/** The ingress hop's stand-in: reads the JSON body and answers 202, nothing else. */
const startTrivialIngress = async (): Promise<{ url: string; close(): Promise<void> }> => {
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { requestId?: string };
      response.writeHead(202, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ requestId: body.requestId, state: 'RECEIVED' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/replica-requests`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

/**
 * The floor of the pipeline: the round trips one request must make for exactly-once, done with
 * bare AWS SDK and Tencent SDK clients and none of replica-flow's code (no use-cases, adapters or
 * handlers, no validation, no record marshalling, no in-flight index). Each of `requests` requests,
 * `concurrency` at a time, goes in sequence through:
 *
 * 1. ingest: an HTTP POST of the request JSON to a server that only answers 202, then a conditional
 *    PutItem of the record (RECEIVED);
 * 2. the requests queue: SendMessage, then ReceiveMessage and DeleteMessage of one message;
 * 3. validate: GetItem and a version-conditional UpdateItem (VALIDATED), and the precheck's
 *    DescribeDBInstanceAttribute of the primary (zones and classes are cached in the pipeline);
 * 4. the create queue: the same send, receive and delete;
 * 5. create: GetItem and UpdateItem (lease, CREATING), CreateReadOnlyDBInstance, UpdateItem storing
 *    the DealNames (SUBMITTED).
 *
 * Items are keyed `bare#<requestId>`, so they never meet a real record; the two queues are its own.
 * Where the pipeline's consumers receive and delete up to 10 messages a call, the floor does one a
 * call: a few more calls a request, so the floor is slightly lower than the design's true minimum.
 */
export const runBareRoundTrips = async (options: {
  readonly dynamoUrl: string;
  readonly sqsUrl: string;
  readonly tencent: Client;
  readonly plan: ReplicaPlan;
  /** The request body POSTed to the ingress and stored in the record. */
  readonly request: Readonly<Record<string, unknown>>;
  readonly requests: number;
  readonly concurrency: number;
}): Promise<FloorResult> => {
  const { tencent, plan } = options;
  const dynamo = new DynamoDBClient({ ...LOCAL_DYNAMO_CLIENT_CONFIG, endpoint: options.dynamoUrl });
  const sqs = new SQSClient({ ...LOCAL_DYNAMO_CLIENT_CONFIG, endpoint: options.sqsUrl });
  const ingress = await startTrivialIngress();
  const hopMs = Object.fromEntries(FLOOR_HOPS.map((hop) => [hop, 0])) as Record<FloorHop, number>;
  let emptyReceives = 0;
  try {
    const queueUrl = async (name: string) =>
      (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl ?? '';
    const requestsQueue = await queueUrl('bare-round-trips-requests');
    const createQueue = await queueUrl('bare-round-trips-create');

    const timed = async <T>(hop: FloorHop, work: () => Promise<T>): Promise<T> => {
      const started = performance.now();
      try {
        return await work();
      } finally {
        hopMs[hop] += performance.now() - started;
      }
    };

    const queueHop = async (url: string, body: string) => {
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
      // Every worker sends before it receives, so some message is always visible; any one will do.
      for (let tries = 0; tries < 100; tries++) {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 1, WaitTimeSeconds: 0 }),
        );
        const handle = Messages[0]?.ReceiptHandle;
        if (handle) {
          await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: handle }));
          return;
        }
        emptyReceives += 1;
      }
      throw new Error(`queue ${url} stayed empty`);
    };

    const oneRequest = async (requestId: string) => {
      const key: Record<string, AttributeValue> = {
        [TABLE.partitionKey]: { S: `bare#${requestId}` },
        [TABLE.sortKey]: { S: 'bare' },
      };
      const read = async () => {
        const { Item } = await dynamo.send(
          new GetItemCommand({ TableName: TABLE_NAME, Key: key, ConsistentRead: true }),
        );
        return Number(Item?.version?.N);
      };
      const transition = async (version: number, state: string, set: Record<string, AttributeValue>) => {
        const fields = Object.entries(set);
        await dynamo.send(
          new UpdateItemCommand({
            TableName: TABLE_NAME,
            Key: key,
            ConditionExpression: '#version = :version',
            UpdateExpression: [
              'SET #state = :state, #version = :next',
              ...fields.map(([name]) => `#${name} = :${name}`),
            ].join(', '),
            ExpressionAttributeNames: {
              '#state': 'state',
              '#version': 'version',
              ...Object.fromEntries(fields.map(([name]) => [`#${name}`, name])),
            },
            ExpressionAttributeValues: {
              ':state': { S: state },
              ':version': { N: String(version) },
              ':next': { N: String(version + 1) },
              ...Object.fromEntries(fields.map(([name, value]) => [`:${name}`, value])),
            },
          }),
        );
      };
      const now = () => ({ S: new Date().toISOString() });
      const body = JSON.stringify({ ...options.request, requestId });
      const message = JSON.stringify({ requestId });

      await timed('ingress', async () => {
        const response = await fetch(ingress.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': requestId },
          body,
        });
        await response.json();
        if (response.status !== 202) throw new Error(`ingress answered ${response.status}`);
      });
      await timed('storeReceived', () =>
        dynamo.send(
          new PutItemCommand({
            TableName: TABLE_NAME,
            Item: {
              ...key,
              requestId: { S: requestId },
              state: { S: 'RECEIVED' },
              version: { N: '1' },
              request: { S: body },
              createdAt: now(),
              updatedAt: now(),
            },
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
          }),
        ),
      );
      await timed('requestsQueue', () => queueHop(requestsQueue, message));
      await timed('validate', async () => {
        const version = await read();
        await transition(version, 'VALIDATED', { plan: { S: JSON.stringify(plan) }, updatedAt: now() });
      });
      await timed('precheck', () =>
        tencent.DescribeDBInstanceAttribute({ DBInstanceId: plan.MasterDBInstanceId }),
      );
      await timed('createQueue', () => queueHop(createQueue, message));
      const version = await timed('lease', async () => {
        const current = await read();
        const until = new Date(Date.now() + 60_000).toISOString();
        await transition(current, 'CREATING', {
          lease: { M: { owner: { S: 'bare' }, until: { S: until } } },
          updatedAt: now(),
        });
        return current + 1;
      });
      const answer = await timed('tencentCreate', () =>
        tencent.CreateReadOnlyDBInstance(
          createRequestParams(plan, requestId, instanceNameFor(requestId), DEFAULT_DEPLOYMENT),
        ),
      );
      await timed('storeSubmitted', () =>
        transition(version, 'SUBMITTED', {
          dealNames: { L: (answer.DealNames ?? []).map((name) => ({ S: name })) },
          instanceIds: { L: (answer.DBInstanceIdSet ?? []).map((id) => ({ S: id })) },
          updatedAt: now(),
        }),
      );
    };

    const started = performance.now();
    await forEachLimited(
      Array.from({ length: options.requests }, (_, index) => `r-floor${String(index).padStart(10, '0')}`),
      options.concurrency,
      oneRequest,
    );
    const seconds = (performance.now() - started) / 1000;
    const mean = (total: number) => Number((total / options.requests).toFixed(2));
    return {
      perSecond: options.requests / seconds,
      hopMs: Object.fromEntries(FLOOR_HOPS.map((hop) => [hop, mean(hopMs[hop])])) as Record<FloorHop, number>,
      emptyReceives,
    };
  } finally {
    await ingress.close();
    dynamo.destroy();
    sqs.destroy();
  }
};
