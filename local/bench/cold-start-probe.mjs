// One cold start, in a fresh Node process (plain JavaScript: no loader, nothing preloaded):
//   node cold-start-probe.mjs <module> [<function>]
// Prints {"importMs","readyMs"}: the time to import the module and, with a function name, until its
// handler has answered a first event that reaches the store. The event's store call is refused at
// once (the environment points DynamoDB and SQS at a closed port with AWS_MAX_ATTEMPTS=1), so the
// answer is an error, but the dependencies were built and the first AWS SDK call was made.
import { pathToFileURL } from 'node:url';

const [modulePath, functionName] = process.argv.slice(2);
if (!modulePath) throw new Error('usage: node cold-start-probe.mjs <module> [<function>]');

const sqsEvent = (body) => ({
  Records: [
    {
      messageId: '00000000-0000-4000-8000-000000000001',
      receiptHandle: 'probe',
      body: JSON.stringify(body),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(Date.now()),
        SenderId: 'probe',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:ap-southeast-1:000000000000:probe',
      awsRegion: 'ap-southeast-1',
    },
  ],
});

const requestId = 'r-0000000000000000';
const EVENTS = {
  ingest: {
    version: '2.0',
    routeKey: 'GET /v1/replica-requests/{id}',
    rawPath: `/v1/replica-requests/${requestId}`,
    rawQueryString: '',
    headers: { authorization: `Bearer ${process.env.PROBE_API_KEY ?? ''}` },
    pathParameters: { id: requestId },
    requestContext: {
      http: {
        method: 'GET',
        path: `/v1/replica-requests/${requestId}`,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
      },
      routeKey: 'GET /v1/replica-requests/{id}',
      stage: '$default',
      requestId: 'probe',
      timeEpoch: Date.now(),
    },
    isBase64Encoded: false,
  },
  validate: sqsEvent({ requestId }),
  create: sqsEvent({ requestId }),
  notify: sqsEvent({ requestId, type: 'replica.ready', webhookId: 'msg_probe' }),
  poll: {
    version: '0',
    id: 'probe',
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: new Date().toISOString(),
    region: 'ap-southeast-1',
    resources: [],
    detail: {},
  },
};

const context = {
  functionName: functionName ?? 'probe',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:ap-southeast-1:000000000000:function:probe',
  memoryLimitInMB: '256',
  awsRequestId: '00000000-0000-4000-8000-000000000002',
  logGroupName: '/aws/lambda/probe',
  logStreamName: 'probe',
  callbackWaitsForEmptyEventLoop: false,
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

const started = performance.now();
const loaded = await import(pathToFileURL(modulePath).href);
const imported = performance.now();
let readyMs = null;
if (functionName) {
  const event = EVENTS[functionName];
  if (!event) throw new Error(`no probe event for ${functionName}`);
  await Promise.resolve(loaded.handler(event, context)).catch(() => undefined);
  readyMs = performance.now() - started;
}
process.stdout.write(`${JSON.stringify({ importMs: imported - started, readyMs })}\n`);
