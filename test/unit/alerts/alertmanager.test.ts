import { describe, expect, it } from 'vitest';
import { requestIdFor } from '#shared/domain/idempotency.ts';
import { alertIdempotencyKey } from '#shared/ingress/alerts/alert-to-request.ts';
import { alertmanagerPayloadSchema } from '#shared/ingress/alerts/alertmanager/alertmanager-payload.ts';
import { alertmanagerRoute } from '#shared/ingress/alerts/alertmanager/alertmanager-route.ts';
import { alertHarness, captureLogs, eventBytes } from '#test/support/alert-harness.ts';
import { httpEvent } from '#test/support/http-event.ts';

const PATH = '/v1/alerts/alertmanager';
const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
  httpEvent({ path: PATH, body, headers: { 'user-agent': 'Alertmanager/0.28.1', ...headers } });
const firing = () => eventBytes('alertmanager/firing.wire.json');

describe('Alertmanager sample bodies', () => {
  it('are byte-faithful: compact, sorted label keys, \\u0026-style escapes, a trailing newline', () => {
    const text = firing().toString('utf8');
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.indexOf('\n')).toBe(text.length - 1);
    expect(text).toContain('\\u0026team=dba');
    expect(text).toContain('CPU \\u003e 80%');
    expect(text).not.toMatch(/[&<>]/);
    expect(Object.keys(JSON.parse(text))).toEqual([
      'receiver',
      'status',
      'alerts',
      'groupLabels',
      'commonLabels',
      'commonAnnotations',
      'externalURL',
      'version',
      'groupKey',
      'truncatedAlerts',
    ]);
    const [alert] = alertmanagerPayloadSchema.parse(JSON.parse(text)).alerts;
    expect(Object.keys(alert?.labels ?? {})).toEqual([...Object.keys(alert?.labels ?? {})].sort());
  });
});

describe('POST /v1/alerts/alertmanager', () => {
  it('records a firing alert that names a primary as a scale-out request and ignores the other, saying why', async () => {
    const harness = await alertHarness();
    const answer = await harness.call(
      alertmanagerRoute,
      post(firing(), { authorization: `Bearer ${harness.credentials.alertmanagerToken}` }),
    );

    expect(answer.status).toBe(200);
    const key = alertIdempotencyKey('alertmanager', ['c6d2f0a9e58b3f41', '2026-11-29T11:17:30.512Z']);
    expect(answer.body).toEqual({
      accepted: [
        {
          alertName: 'PostgresHighCPU',
          primaryId: 'postgres-abcdef',
          requestId: requestIdFor('alertmanager', key),
          state: 'RECEIVED',
          replayed: false,
        },
      ],
      scaleIn: [],
      ignored: [{ alertName: 'NodeDiskFull', reason: 'no "instance_id" label naming a primary' }],
    });
    const record = await harness.store.get(requestIdFor('alertmanager', key));
    expect(record?.request).toMatchObject({
      MasterDBInstanceId: 'postgres-abcdef',
      Region: 'ap-beijing',
      SpecCode: 'pg.it.medium4',
      Storage: 200,
      Zone: 'ap-beijing-4',
      InstanceChargeType: 'POSTPAID_BY_HOUR',
      InstanceCount: 1,
      idempotencyKey: key,
    });
    expect(record?.requester).toEqual({
      source: 'alertmanager',
      identity: 'PostgresHighCPU',
      context: {
        alertname: 'PostgresHighCPU',
        fingerprint: 'c6d2f0a9e58b3f41',
        startsAt: '2026-11-29T11:17:30.512Z',
        receiver: 'replica-flow',
        severity: 'warning',
        generatorURL: expect.stringContaining('&g0.tab=1'),
        externalURL: 'http://alertmanager-0.monitoring:9093',
      },
    });
    expect(harness.queue.sent).toEqual([
      { queue: 'requests', body: { requestId: requestIdFor('alertmanager', key) } },
    ]);
  });

  it('maps every repeat of the same firing (fingerprint and startsAt) to the same request', async () => {
    const harness = await alertHarness();
    const authorization = `Bearer ${harness.credentials.alertmanagerToken}`;
    const first = await harness.call(alertmanagerRoute, post(firing(), { authorization }));
    const again = await harness.call(alertmanagerRoute, post(firing(), { authorization }));
    const refired = firing().toString('utf8').replace('2026-11-29T11:17:30.512Z', '2026-11-29T13:05:00.001Z');
    const later = await harness.call(alertmanagerRoute, post(refired, { authorization }));

    const idOf = (answer: typeof first) => (answer.body.accepted as { requestId: string }[])[0]?.requestId;
    expect(idOf(again)).toBe(idOf(first));
    expect((again.body.accepted as { replayed: boolean }[])[0]?.replayed).toBe(true);
    expect(idOf(later)).not.toBe(idOf(first));
    expect(harness.store.records.size).toBe(2);
  });

  it('acknowledges a resolved notification of a primary without scaleIn and records nothing, saying why', async () => {
    const harness = await alertHarness();
    const answer = await harness.call(
      alertmanagerRoute,
      post(eventBytes('alertmanager/resolved.wire.json'), {
        authorization: `Bearer ${harness.credentials.alertmanagerToken}`,
      }),
    );
    expect(answer).toMatchObject({
      status: 200,
      body: {
        accepted: [],
        scaleIn: [],
        ignored: [
          {
            alertName: 'PostgresHighCPU',
            reason: 'resolved; scale-in is off for postgres-abcdef (its policy entry has no scaleIn)',
          },
        ],
      },
    });
    expect(harness.store.records.size).toBe(0);
    expect(harness.store.fleetStates.size).toBe(0);
  });

  it('maps a short region code on the region label (bj → ap-beijing)', async () => {
    const harness = await alertHarness();
    const answer = await harness.call(
      alertmanagerRoute,
      post(eventBytes('alertmanager/firing-short-region.wire.json'), {
        authorization: `Bearer ${harness.credentials.alertmanagerToken}`,
      }),
    );
    const [accepted] = answer.body.accepted as { requestId: string }[];
    expect((await harness.store.get(accepted?.requestId ?? ''))?.request).toMatchObject({
      MasterDBInstanceId: 'postgres-bjorder1',
      Region: 'ap-beijing',
    });
  });

  it('reads the primary and region from the configured label names', async () => {
    const harness = await alertHarness({ labels: { primary: 'tencent_instance', region: 'tencent_region' } });
    const body = firing()
      .toString('utf8')
      .replace('"instance_id":"postgres-abcdef"', '"tencent_instance":"postgres-abcdef"')
      .replace('"region":"ap-beijing"', '"tencent_region":"bj"');
    const answer = await harness.call(
      alertmanagerRoute,
      post(body, { authorization: `Bearer ${harness.credentials.alertmanagerToken}` }),
    );
    expect(answer.body.accepted).toHaveLength(1);
  });

  it('ignores an alert whose primary label is not an instance id, or whose region is unknown', async () => {
    const harness = await alertHarness();
    const authorization = `Bearer ${harness.credentials.alertmanagerToken}`;
    const badId = firing().toString('utf8').replace('"postgres-abcdef"', '"mysql-abcdef"');
    const badRegion = firing().toString('utf8').replace('"region":"ap-beijing"', '"region":"xx"');
    expect(
      (await harness.call(alertmanagerRoute, post(badId, { authorization }))).body.ignored,
    ).toContainEqual({
      alertName: 'PostgresHighCPU',
      reason: 'label instance_id="mysql-abcdef" is not a TencentDB for PostgreSQL instance id',
    });
    expect(
      (await harness.call(alertmanagerRoute, post(badRegion, { authorization }))).body.ignored,
    ).toContainEqual({
      alertName: 'PostgresHighCPU',
      reason: 'label region="xx" is not a region replicas can be created in',
    });
    expect(harness.store.records.size).toBe(0);
  });

  it('answers 401 alike for a wrong, missing or non-Bearer credential, and records nothing', async () => {
    const harness = await alertHarness();
    const headerSets: Record<string, string>[] = [
      { authorization: 'Bearer wrong-token-of-enough-length' },
      { authorization: `Bearer ${harness.credentials.alertmanagerToken}x` },
      {},
      {
        authorization: `Basic ${Buffer.from(`am:${harness.credentials.alertmanagerToken}`).toString('base64')}`,
      },
    ];
    const answers = await Promise.all(
      headerSets.map((headers) => harness.call(alertmanagerRoute, post(firing(), headers))),
    );
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({
        error: { code: 'UNAUTHORIZED', message: 'Missing or invalid credentials' },
      });
    }
    expect(harness.store.records.size).toBe(0);
  });

  it('answers 401 to everyone when no token is configured', async () => {
    const harness = await alertHarness({ alertmanager: {} });
    const answer = await harness.call(alertmanagerRoute, post(firing(), { authorization: 'Bearer ' }));
    expect(answer.status).toBe(401);
  });

  it.each([
    ['another webhook version', (text: string) => text.replace('"version":"4"', '"version":"3"'), 'version'],
    [
      'a bad startsAt',
      (text: string) => text.replace('"2026-11-29T11:17:30.512Z"', '"yesterday"'),
      'alerts.0.startsAt',
    ],
    [
      'a missing fingerprint',
      (text: string) => text.replace('"fingerprint":"c6d2f0a9e58b3f41"', '"x":"y"'),
      'alerts.0.fingerprint',
    ],
    [
      'an unknown status',
      (text: string) => text.replace('"status":"firing","labels"', '"status":"pending","labels"'),
      'alerts.0.status',
    ],
    ['a body that is not JSON', (text: string) => text.slice(0, 40), 'not valid JSON'],
  ])('answers 400 naming the problem for %s', async (_case, edit, named) => {
    const harness = await alertHarness();
    const answer = await harness.call(
      alertmanagerRoute,
      post(edit(firing().toString('utf8')), {
        authorization: `Bearer ${harness.credentials.alertmanagerToken}`,
      }),
    );
    expect(answer.status).toBe(400);
    expect((answer.body.error as { message: string }).message).toContain(named);
    expect(harness.store.records.size).toBe(0);
  });

  it('answers 400 for bytes that are not UTF-8 and 413 past the body limit', async () => {
    const harness = await alertHarness({ bodyLimitBytes: 2048 });
    const authorization = `Bearer ${harness.credentials.alertmanagerToken}`;
    const notUtf8 = await harness.call(
      alertmanagerRoute,
      post(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { authorization }),
    );
    const tooLarge = await harness.call(alertmanagerRoute, post(Buffer.alloc(4096, 0x20), { authorization }));
    expect(notUtf8.status).toBe(400);
    expect(tooLarge.status).toBe(413);
  });

  it('never writes the token to a log line', async () => {
    const harness = await alertHarness();
    const logs = await captureLogs(async () => {
      await harness.call(
        alertmanagerRoute,
        post(firing(), { authorization: `Bearer ${harness.credentials.alertmanagerToken}` }),
      );
      await harness.call(
        alertmanagerRoute,
        post(firing(), { authorization: `Bearer ${harness.credentials.alertmanagerToken}0` }),
      );
    });
    expect(logs).toContain('alert recorded');
    expect(logs).toContain('alert credentials refused');
    expect(logs).not.toContain(harness.credentials.alertmanagerToken);
  });
});
