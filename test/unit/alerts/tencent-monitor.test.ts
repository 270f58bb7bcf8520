import { describe, expect, it } from 'vitest';
import { requestIdFor } from '#shared/domain/idempotency.ts';
import { alertIdempotencyKey } from '#shared/ingress/alerts/alert-to-request.ts';
import { instanceIdFromObjName } from '#shared/ingress/alerts/tencent-monitor/tencent-monitor-alarm.ts';
import { tencentMonitorRoute } from '#shared/ingress/alerts/tencent-monitor/tencent-monitor-route.ts';
import { regionFromCode } from '#shared/ingress/alerts/tencent-regions.ts';
import { alertHarness, captureLogs, eventBytes, eventJson } from '#test/support/alert-harness.ts';
import { httpEvent } from '#test/support/http-event.ts';

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

const viaBasic = (body: string | Buffer, authorization?: string) =>
  httpEvent({
    path: '/v1/alerts/tencent-monitor',
    body,
    headers: authorization ? { authorization } : {},
  });

const viaPath = (body: string | Buffer, token: string) =>
  httpEvent({
    path: `/v1/alerts/tencent-monitor/${token}`,
    routeKey: 'POST /v1/alerts/tencent-monitor/{token}',
    body,
    pathParameters: { token },
  });

const alarm = () => eventBytes('tencent-monitor/postgres-cpu-alarm.json');

describe('Cloud Monitor objName and region codes', () => {
  it.each([
    ['ID:postgres-1292ja01|Instance Name:orders|Ip Port:10.80.24.3:5432', 'postgres-1292ja01'],
    ['ID:postgres-abcdef|Instance Name：seed-primary|Ip Port：10.0.0.10:5432', 'postgres-abcdef'],
    ['ID：postgres-gzprep01|Instance Name：billing-db', 'postgres-gzprep01'],
    [' ID : postgres-abcdef ', 'postgres-abcdef'],
    ['ins-o9p3rg3m(ubuntu-web-1)', undefined],
  ])('reads the instance id of %s', (objName, id) => {
    expect(instanceIdFromObjName(objName)).toBe(id);
  });

  it.each([
    ['gz', 'ap-guangzhou'],
    ['GZ', 'ap-guangzhou'],
    ['bj', 'ap-beijing'],
    ['sh', 'ap-shanghai'],
    ['cd', 'ap-chengdu'],
    ['cq', 'ap-chongqing'],
    ['hk', 'ap-hongkong'],
    ['sg', 'ap-singapore'],
    ['szjr', 'ap-shenzhen-fsi'],
    ['ap-tokyo', 'ap-tokyo'],
    ['toString', undefined],
    ['xx', undefined],
  ])('maps region code %s to %s', (code, region) => {
    expect(regionFromCode(code)).toBe(region);
  });
});

describe('POST /v1/alerts/tencent-monitor', () => {
  it('records an alarm on a PostgreSQL instance and answers {sessionId, retCode: 0}', async () => {
    const harness = await alertHarness();
    const { tencentMonitorUser: user, tencentMonitorPassword: password } = harness.credentials;
    const answer = await harness.call(tencentMonitorRoute, viaBasic(alarm(), basic(user, password)));

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ sessionId: 'xxxxxxxx-3f1b9c2e7d', retCode: 0 });
    const key = alertIdempotencyKey('tencent-monitor', [
      'xxxxxxxx-3f1b9c2e7d',
      'policy-n4exeh88',
      'postgres-abcdef',
      '2026-11-29 19:17:00',
    ]);
    const record = await harness.store.get(requestIdFor('tencent-monitor', key));
    expect(record?.request).toMatchObject({
      MasterDBInstanceId: 'postgres-abcdef',
      Region: 'ap-beijing',
      SpecCode: 'pg.it.medium4',
      InstanceCount: 1,
    });
    expect(record?.requester).toEqual({
      source: 'tencent-monitor',
      identity: 'postgres-cpu-high',
      context: {
        sessionId: 'xxxxxxxx-3f1b9c2e7d',
        firstOccurTime: '2026-11-29 19:17:00',
        policyId: 'policy-n4exeh88',
        policyName: 'postgres-cpu-high',
        policyType: 'POSTGRESQL',
        alarmType: 'metric',
        namespace: 'qce/postgres',
        region: 'bj',
        metricName: 'cpu',
      },
    });
  });

  it('accepts the secret path token instead of Basic credentials', async () => {
    const harness = await alertHarness();
    const answer = await harness.call(
      tencentMonitorRoute,
      viaPath(alarm(), harness.credentials.tencentMonitorPathToken),
    );
    expect(answer.status).toBe(200);
    expect(harness.store.records.size).toBe(1);
  });

  it('reads full-width colons, a short region and numbers where the doc has strings', async () => {
    const harness = await alertHarness();
    const body = eventJson('tencent-monitor/postgres-connections-alarm-full-width.json');
    const answer = await harness.call(
      tencentMonitorRoute,
      viaBasic(
        JSON.stringify({ ...body, alarmStatus: 1 }),
        basic(harness.credentials.tencentMonitorUser, harness.credentials.tencentMonitorPassword),
      ),
    );
    expect(answer.body).toEqual({ sessionId: 'xxxxxxxx-c0ffee1234', retCode: 0 });
    const [record] = harness.store.records.values();
    expect(record?.request).toMatchObject({
      MasterDBInstanceId: 'postgres-gzprep01',
      Region: 'ap-guangzhou',
    });
  });

  it('acknowledges a recovery (alarmStatus 0 as a number) and an alarm on another product, recording nothing', async () => {
    const harness = await alertHarness();
    const authorization = basic(
      harness.credentials.tencentMonitorUser,
      harness.credentials.tencentMonitorPassword,
    );
    const recovered = await harness.call(
      tencentMonitorRoute,
      viaBasic(eventBytes('tencent-monitor/postgres-cpu-recovered.json'), authorization),
    );
    const cvm = await harness.call(
      tencentMonitorRoute,
      viaBasic(eventBytes('tencent-monitor/cvm-event-alarm.json'), authorization),
    );
    expect(recovered).toMatchObject({ status: 200, body: { sessionId: 'xxxxxxxx-8a0c4d51e2', retCode: 0 } });
    expect(cvm).toMatchObject({ status: 200, body: { sessionId: 'xxxxxxxx-e7e7e7e7e7', retCode: 0 } });
    expect(harness.store.records.size).toBe(0);
  });

  it('dedupes on session, policy, object and first occurrence', async () => {
    const harness = await alertHarness();
    const authorization = basic(
      harness.credentials.tencentMonitorUser,
      harness.credentials.tencentMonitorPassword,
    );
    await harness.call(tencentMonitorRoute, viaBasic(alarm(), authorization));
    await harness.call(tencentMonitorRoute, viaBasic(alarm(), authorization));
    expect(harness.store.records.size).toBe(1);
    const nextPush = JSON.stringify({
      ...eventJson('tencent-monitor/postgres-cpu-alarm.json'),
      sessionId: 'xxxxxxxx-next',
    });
    await harness.call(tencentMonitorRoute, viaBasic(nextPush, authorization));
    expect(harness.store.records.size).toBe(2);
  });

  it('answers 401 alike for a wrong user, password or path token, or none, and records nothing', async () => {
    const harness = await alertHarness();
    const {
      tencentMonitorUser: user,
      tencentMonitorPassword: password,
      tencentMonitorPathToken: token,
    } = harness.credentials;
    const answers = await Promise.all([
      harness.call(tencentMonitorRoute, viaBasic(alarm(), basic(user, `${password}x`))),
      harness.call(tencentMonitorRoute, viaBasic(alarm(), basic('someone', password))),
      harness.call(tencentMonitorRoute, viaBasic(alarm(), `Bearer ${password}`)),
      harness.call(tencentMonitorRoute, viaBasic(alarm())),
      harness.call(tencentMonitorRoute, viaPath(alarm(), `${token}x`)),
      harness.call(tencentMonitorRoute, viaPath(alarm(), password)),
    ]);
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({
        error: { code: 'UNAUTHORIZED', message: 'Missing or invalid credentials' },
      });
    }
    expect(harness.store.records.size).toBe(0);
  });

  it('accepts nothing when neither credential is configured', async () => {
    const harness = await alertHarness({ tencentMonitor: {} });
    const answer = await harness.call(tencentMonitorRoute, viaPath(alarm(), ''));
    expect(answer.status).toBe(401);
  });

  it.each([
    ['alarmStatus "2"', { alarmStatus: '2' }, 'alarmStatus'],
    ['no sessionId', { sessionId: undefined }, 'sessionId'],
    ['no alarmObjInfo', { alarmObjInfo: undefined }, 'alarmObjInfo'],
    ['a firstOccurTime that is not text', { firstOccurTime: 20261129 }, 'firstOccurTime'],
  ])('answers 400 naming the field for %s', async (_case, change, field) => {
    const harness = await alertHarness();
    const body = JSON.stringify({ ...eventJson('tencent-monitor/postgres-cpu-alarm.json'), ...change });
    const answer = await harness.call(
      tencentMonitorRoute,
      viaBasic(
        body,
        basic(harness.credentials.tencentMonitorUser, harness.credentials.tencentMonitorPassword),
      ),
    );
    expect(answer.status).toBe(400);
    expect((answer.body.error as { message: string }).message).toContain(field);
  });

  it('never writes the password or the path token to a log line', async () => {
    const harness = await alertHarness();
    const {
      tencentMonitorUser: user,
      tencentMonitorPassword: password,
      tencentMonitorPathToken: token,
    } = harness.credentials;
    const logs = await captureLogs(async () => {
      await harness.call(tencentMonitorRoute, viaBasic(alarm(), basic(user, password)));
      await harness.call(tencentMonitorRoute, viaPath(alarm(), `${token}0`));
    });
    expect(logs).toContain('alert recorded');
    expect(logs).not.toContain(password);
    expect(logs).not.toContain(token);
  });
});
