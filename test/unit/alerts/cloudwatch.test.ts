import { randomUUID } from 'node:crypto';
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { buildValidateHandler } from '#functions/validate.ts';
import { LOCAL_SETTINGS } from '#local/stack/local-stack.ts';
import type { Dependencies } from '#shared/config/dependencies.ts';
import { requestIdFor } from '#shared/domain/idempotency.ts';
import type { PolicyInput } from '#shared/domain/policy.ts';
import { parsePolicy } from '#shared/domain/policy-loader.ts';
import { alertIdempotencyKey } from '#shared/ingress/alerts/alert-to-request.ts';
import { readCloudWatchAlarm } from '#shared/ingress/alerts/cloudwatch/cloudwatch-alarm.ts';
import {
  type CloudWatchAlarmEvent,
  cloudwatchAlarmEventSchema,
} from '#shared/ingress/alerts/cloudwatch/cloudwatch-alarm-event.ts';
import { cloudwatchRoute } from '#shared/ingress/alerts/cloudwatch/cloudwatch-route.ts';
import type { WebhookSender } from '#shared/ports/webhook-sender.ts';
import { lambdaContext } from '#test/fixtures/lambda-context.ts';
import {
  alertHarness,
  alertsPolicy,
  captureLogs,
  eventBytes,
  eventJson,
  fakeTencent,
} from '#test/support/alert-harness.ts';
import { httpEvent } from '#test/support/http-event.ts';

const inlinePolicy = (policy: PolicyInput) => parsePolicy(JSON.stringify(policy), 'json');

const alarmEvent = (file = 'cloudwatch/alarm-state-change.json') =>
  cloudwatchAlarmEventSchema.parse(eventJson(file));

/** What an EventBridge API destination sends: the event itself, with the connection's API key header. */
const apiDestination = (body: string | Buffer, headers: Record<string, string> = {}) =>
  httpEvent({
    path: '/v1/alerts/cloudwatch',
    body,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'Amazon/EventBridge/ApiDestinations',
      range: 'bytes=0-1048575',
      ...headers,
    },
  });

describe('CloudWatch alarm → primary (policy primaries.<id>.cloudwatch)', () => {
  it('maps an ALARM by a metric dimension, keyed by the alarm ARN and the state timestamp', () => {
    const reading = readCloudWatchAlarm(alarmEvent(), alertsPolicy());
    expect(reading).toEqual({
      kind: 'firing',
      alert: {
        source: 'cloudwatch',
        alertName: 'postgres-abcdef-cpu-high',
        primaryId: 'postgres-abcdef',
        dedupe: [
          'arn:aws:cloudwatch:ap-southeast-1:123456789012:alarm:postgres-abcdef-cpu-high',
          '2026-11-29T11:22:00.384+0000',
        ],
        key: 'arn:aws:cloudwatch:ap-southeast-1:123456789012:alarm:postgres-abcdef-cpu-high',
        context: {
          alarmName: 'postgres-abcdef-cpu-high',
          alarmArn: 'arn:aws:cloudwatch:ap-southeast-1:123456789012:alarm:postgres-abcdef-cpu-high',
          stateTimestamp: '2026-11-29T11:22:00.384+0000',
          account: '123456789012',
          awsRegion: 'ap-southeast-1',
          eventId: 'c4c1c1c9-6542-e61b-6ef0-8c4d36933a92',
        },
      },
    });
  });

  it('maps a metric-math alarm by its name and propagated tags', () => {
    const reading = readCloudWatchAlarm(
      alarmEvent('cloudwatch/alarm-state-change-tagged.json'),
      alertsPolicy(),
    );
    expect(reading).toMatchObject({ kind: 'firing', alert: { primaryId: 'postgres-bjorder1' } });
  });

  it('reads OK as the mapped primary resolved; ignores INSUFFICIENT_DATA, unmapped and ambiguous alarms, saying why', () => {
    const policy = alertsPolicy();
    const ok = readCloudWatchAlarm(alarmEvent('cloudwatch/ok-state-change.json'), policy);
    const other = alarmEvent();
    const unmapped = readCloudWatchAlarm(
      {
        ...other,
        detail: {
          ...other.detail,
          configuration: {
            metrics: [{ metricStat: { metric: { dimensions: { InstanceId: 'postgres-zzz' } } } }],
          },
        },
      },
      policy,
    );
    const twice = inlinePolicy({
      version: 1,
      regions: ['ap-beijing'],
      specs: ['pg.it.*'],
      limits: { maxStorage: 1000, maxInstanceCount: 1, maxReplicasPerPrimary: 2 },
      primaries: {
        'postgres-abcdef': { cloudwatch: { alarmNames: ['postgres-*'] } },
        'postgres-bjorder1': { cloudwatch: { dimensions: { InstanceId: 'postgres-abcdef' } } },
      },
    });
    expect(ok).toEqual({
      kind: 'resolved',
      alert: {
        source: 'cloudwatch',
        alertName: 'postgres-abcdef-cpu-high',
        primaryId: 'postgres-abcdef',
        key: 'arn:aws:cloudwatch:ap-southeast-1:123456789012:alarm:postgres-abcdef-cpu-high',
      },
    });
    const insufficient = alarmEvent('cloudwatch/ok-state-change.json');
    expect(
      readCloudWatchAlarm(
        {
          ...insufficient,
          detail: {
            ...insufficient.detail,
            state: { ...insufficient.detail.state, value: 'INSUFFICIENT_DATA' },
          },
        },
        policy,
      ),
    ).toEqual({
      kind: 'ignored',
      ignored: {
        alertName: 'postgres-abcdef-cpu-high',
        reason: 'state is INSUFFICIENT_DATA, neither ALARM nor OK',
      },
    });
    expect(unmapped).toMatchObject({
      kind: 'ignored',
      ignored: { reason: expect.stringContaining('no primary') },
    });
    expect(readCloudWatchAlarm(alarmEvent(), twice)).toMatchObject({
      kind: 'ignored',
      ignored: { reason: 'the alarm maps to more than one primary (postgres-abcdef, postgres-bjorder1)' },
    });
  });

  it('refuses a mapping on a glob entry and an empty mapping when the policy is loaded', () => {
    const policy = (primaries: Record<string, unknown>) => () =>
      inlinePolicy({
        version: 1,
        regions: ['ap-beijing'],
        specs: ['pg.it.*'],
        limits: { maxStorage: 1000, maxInstanceCount: 1, maxReplicasPerPrimary: 2 },
        primaries,
      } as PolicyInput);
    expect(policy({ 'postgres-*': { cloudwatch: { alarmNames: ['x'] } } })).toThrow(
      /primaries\.postgres-\*\.cloudwatch: a CloudWatch mapping must belong to one primary/,
    );
    expect(policy({ 'postgres-abcdef': { cloudwatch: {} } })).toThrow(
      /must give alarmNames, dimensions or tags/,
    );
    expect(policy({ 'postgres-abcdef': { cloudwatch: { dimension: { a: 'b' } } } })).toThrow(/dimension/);
  });
});

describe('POST /v1/alerts/cloudwatch (EventBridge API destination)', () => {
  it('records the ALARM with the API key and answers what it did', async () => {
    const harness = await alertHarness();
    const answer = await harness.call(
      cloudwatchRoute,
      apiDestination(eventBytes('cloudwatch/alarm-state-change.json'), {
        'x-api-key': harness.credentials.cloudwatchApiKey,
      }),
    );
    const key = alertIdempotencyKey('cloudwatch', [
      'arn:aws:cloudwatch:ap-southeast-1:123456789012:alarm:postgres-abcdef-cpu-high',
      '2026-11-29T11:22:00.384+0000',
    ]);
    expect(answer).toMatchObject({
      status: 200,
      body: {
        accepted: [
          { requestId: requestIdFor('cloudwatch', key), primaryId: 'postgres-abcdef', replayed: false },
        ],
        ignored: [],
      },
    });
    expect((await harness.store.get(requestIdFor('cloudwatch', key)))?.requester).toMatchObject({
      source: 'cloudwatch',
      identity: 'postgres-abcdef-cpu-high',
    });
  });

  it('reads the key from the configured header', async () => {
    const harness = await alertHarness({
      cloudwatch: { apiKey: 'k'.repeat(24), apiKeyHeader: 'x-replica-flow-key' },
    });
    const body = eventBytes('cloudwatch/alarm-state-change.json');
    expect(
      (await harness.call(cloudwatchRoute, apiDestination(body, { 'X-Replica-Flow-Key': 'k'.repeat(24) })))
        .status,
    ).toBe(200);
    expect(
      (await harness.call(cloudwatchRoute, apiDestination(body, { 'x-api-key': 'k'.repeat(24) }))).status,
    ).toBe(401);
  });

  it('answers 401 alike for a wrong or missing key, and 400 for an event that is not an alarm state change', async () => {
    const harness = await alertHarness();
    const body = eventBytes('cloudwatch/alarm-state-change.json');
    const wrong = await harness.call(
      cloudwatchRoute,
      apiDestination(body, { 'x-api-key': `${harness.credentials.cloudwatchApiKey}x` }),
    );
    const missing = await harness.call(cloudwatchRoute, apiDestination(body));
    const ec2 = JSON.stringify({
      ...eventJson('cloudwatch/alarm-state-change.json'),
      'detail-type': 'EC2 Instance State-change Notification',
    });
    const notAlarm = await harness.call(
      cloudwatchRoute,
      apiDestination(ec2, { 'x-api-key': harness.credentials.cloudwatchApiKey }),
    );
    expect([wrong.status, missing.status]).toEqual([401, 401]);
    expect(wrong.body).toEqual(missing.body);
    expect(notAlarm.status).toBe(400);
    expect((notAlarm.body.error as { message: string }).message).toContain('detail-type');
    expect(harness.store.records.size).toBe(0);
  });

  it('never writes the API key to a log line', async () => {
    const harness = await alertHarness();
    const logs = await captureLogs(() =>
      harness.call(
        cloudwatchRoute,
        apiDestination(eventBytes('cloudwatch/alarm-state-change.json'), {
          'x-api-key': harness.credentials.cloudwatchApiKey,
        }),
      ),
    );
    expect(logs).toContain('alert recorded');
    expect(logs).not.toContain(harness.credentials.cloudwatchApiKey);
  });
});

describe('validate on the requests queue (EventBridge rule → SQS)', () => {
  const dependencies = async () => {
    const harness = await alertHarness();
    const deps: Dependencies = {
      store: harness.store,
      queue: harness.queue,
      tencent: fakeTencent({}),
      webhooks: {} as WebhookSender,
      clock: harness.clock,
      policy: alertsPolicy(),
      apiKeys: [],
      settings: LOCAL_SETTINGS,
      alerts: harness.deps.alerts,
    };
    return { harness, handler: buildValidateHandler(deps) };
  };
  const sqsRecord = (body: string) => ({
    ...(eventJson<SQSEvent>('validate-cloudwatch-alarm.json').Records[0] as SQSEvent['Records'][number]),
    messageId: randomUUID(),
    body,
  });

  it('records the envelope of the sample SQS event as a request and queues it for validation', async () => {
    const { harness, handler } = await dependencies();
    const answer = await handler(
      eventJson<SQSEvent>('validate-cloudwatch-alarm.json'),
      lambdaContext('validate'),
    );
    expect(answer).toEqual({ batchItemFailures: [] });
    const [record] = harness.store.records.values();
    expect(record).toMatchObject({ state: 'RECEIVED', requester: { source: 'cloudwatch' } });
    expect(harness.queue.sent).toEqual([{ queue: 'requests', body: { requestId: record?.requestId } }]);
  });

  it('acknowledges OK and unmapped envelopes, and fails only a malformed body', async () => {
    const { harness, handler } = await dependencies();
    const ok = sqsRecord(JSON.stringify(eventJson<CloudWatchAlarmEvent>('cloudwatch/ok-state-change.json')));
    const broken = sqsRecord('{"detail-type":"CloudWatch Alarm State Change"}');
    const answer = await handler({ Records: [ok, broken] }, lambdaContext('validate'));
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: broken.messageId }] });
    expect(harness.store.records.size).toBe(0);
  });

  it('records the same state change once, whether it came through the queue or the API destination', async () => {
    const { harness, handler } = await dependencies();
    await handler(eventJson<SQSEvent>('validate-cloudwatch-alarm.json'), lambdaContext('validate'));
    const answer = await harness.call(
      cloudwatchRoute,
      apiDestination(eventBytes('cloudwatch/alarm-state-change.json'), {
        'x-api-key': harness.credentials.cloudwatchApiKey,
      }),
    );
    expect((answer.body.accepted as { replayed: boolean }[])[0]?.replayed).toBe(true);
    expect(harness.store.records.size).toBe(1);
  });
});
