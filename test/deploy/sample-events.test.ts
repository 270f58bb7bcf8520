import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2, ScheduledEvent, SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { requestIdFor } from '#shared/domain/idempotency.ts';
import { loadPolicy } from '#shared/domain/policy-loader.ts';
import { parseReplicaRequest } from '#shared/domain/replica-request.ts';
import { authenticateBearer, parseApiKeys } from '#shared/http/api-keys.ts';
import { readCloudWatchAlarm } from '#shared/ingress/alerts/cloudwatch/cloudwatch-alarm.ts';
import { cloudwatchAlarmEventSchema } from '#shared/ingress/alerts/cloudwatch/cloudwatch-alarm-event.ts';
import {
  createMessageSchema,
  notifyMessageSchema,
  requestMessageSchema,
} from '#shared/use-cases/queue-messages.ts';
import type * as z from '#shared/util/zod-mini.ts';
import { SAMPLE_EVENTS_API_KEY } from '../../scripts/invoke-local.ts';

/** The events in events/ are what `serverless invoke local -p` feeds the functions: real shapes, valid bodies. */
const event = <T>(file: string): T =>
  JSON.parse(readFileSync(new URL(`../../events/${file}`, import.meta.url), 'utf8'));

const post = event<APIGatewayProxyEventV2>('ingest-post-replica-request.json');
// The sample API key is named `events`: its keys are scoped `api:events`.
const requestId = requestIdFor('api:events', post.headers['idempotency-key'] ?? '');

const expectSqsRecord = <T>(file: string, schema: z.ZodMiniType<T>): T => {
  const { Records } = event<SQSEvent>(file);
  expect(Records).toHaveLength(1);
  const [record] = Records;
  expect(record).toMatchObject({ eventSource: 'aws:sqs', awsRegion: 'ap-southeast-1' });
  expect(record?.md5OfBody).toBe(
    createHash('md5')
      .update(record?.body ?? '')
      .digest('hex'),
  );
  expect(Number(record?.attributes.ApproximateReceiveCount)).toBe(1);
  return schema.parse(JSON.parse(record?.body ?? ''));
};

describe('sample events', () => {
  it('POSTs a valid replica request (HTTP API v2) with an idempotency key and the sample API key', () => {
    expect(post).toMatchObject({
      version: '2.0',
      routeKey: 'POST /v1/replica-requests',
      rawPath: '/v1/replica-requests',
      isBase64Encoded: false,
      requestContext: { http: { method: 'POST', path: '/v1/replica-requests' }, stage: '$default' },
    });
    expect(parseReplicaRequest(JSON.parse(post.body ?? '')).MasterDBInstanceId).toBe('postgres-abcdef');
    const keys = parseApiKeys(`events:${SAMPLE_EVENTS_API_KEY}`);
    expect(authenticateBearer(post.headers.authorization, keys)).toEqual({
      name: 'events',
      role: 'submitter',
    });
  });

  it('GETs the status of the request the POST creates', () => {
    const get = event<APIGatewayProxyEventV2>('ingest-get-replica-request.json');
    expect(get).toMatchObject({
      routeKey: 'GET /v1/replica-requests/{id}',
      rawPath: `/v1/replica-requests/${requestId}`,
      pathParameters: { id: requestId },
    });
  });

  it('carries that request through the requests, create and notify queues', () => {
    expect(expectSqsRecord('validate-sqs.json', requestMessageSchema)).toEqual({ requestId });
    expect(expectSqsRecord('create-sqs.json', createMessageSchema)).toEqual({ requestId });
    expect(expectSqsRecord('notify-sqs.json', notifyMessageSchema)).toMatchObject({
      requestId,
      type: 'replica.ready',
    });
  });

  it('wraps a CloudWatch alarm state change (EventBridge envelope) in an SQS record, as the alarm rule delivers it', () => {
    const { Records } = event<SQSEvent>('validate-cloudwatch-alarm.json');
    const envelope = JSON.parse(Records[0]?.body ?? '');
    expect(envelope).toMatchObject({
      version: '0',
      source: 'aws.cloudwatch',
      'detail-type': 'CloudWatch Alarm State Change',
      detail: { state: { value: 'ALARM' }, previousState: { value: 'OK' } },
    });
    expect(envelope.resources).toEqual([expect.stringMatching(/^arn:aws:cloudwatch:[^:]+:\d{12}:alarm:/)]);
    // What validate makes of it, with a policy that maps the alarm's InstanceId dimension to a primary.
    const policy = loadPolicy('test/fixtures/policies/alerts.yaml');
    expect(readCloudWatchAlarm(cloudwatchAlarmEventSchema.parse(envelope), policy)).toMatchObject({
      kind: 'firing',
      alert: { source: 'cloudwatch', primaryId: 'postgres-abcdef' },
    });
  });

  it('is a scheduled event for poll', () => {
    expect(event<ScheduledEvent>('poll-schedule.json')).toMatchObject({
      source: 'aws.events',
      'detail-type': 'Scheduled Event',
      detail: {},
    });
  });
});
