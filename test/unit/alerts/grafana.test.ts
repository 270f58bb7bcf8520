import { describe, expect, it } from 'vitest';
import { grafanaSignature } from '#shared/ingress/alerts/grafana/grafana-auth.ts';
import { grafanaRoute } from '#shared/ingress/alerts/grafana/grafana-route.ts';
import { type AlertHarness, alertHarness, captureLogs, eventBytes } from '#test/support/alert-harness.ts';
import { httpEvent } from '#test/support/http-event.ts';

const firing = () => eventBytes('grafana/firing.wire.json');
const seconds = (harness: AlertHarness) => String(Math.floor(harness.clock.now().getTime() / 1000));

/** What the local stack's contact point sends: HMAC over `ts:body` with a timestamp, and the Bearer token. */
const signed = (
  harness: AlertHarness,
  body: Buffer,
  options: { ts?: string; signatureHeader?: string; signature?: string; token?: string | null } = {},
) => {
  const ts = options.ts ?? seconds(harness);
  const signature = options.signature ?? grafanaSignature(harness.credentials.grafanaHmacSecret, body, ts);
  const token = options.token === undefined ? harness.credentials.grafanaToken : options.token;
  return httpEvent({
    path: '/v1/alerts/grafana',
    body,
    headers: {
      'user-agent': 'Grafana',
      [options.signatureHeader ?? 'X-Grafana-Alerting-Signature']: signature,
      'X-Grafana-Alerting-Timestamp': ts,
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
    },
  });
};

describe('Grafana sample body', () => {
  it('has json.Marshal field order and no trailing newline', () => {
    const text = firing().toString('utf8');
    expect(text.endsWith('}')).toBe(true);
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
      'orgId',
      'title',
      'state',
      'message',
    ]);
    expect(Object.keys(JSON.parse(text).alerts[0])).toEqual([
      'status',
      'labels',
      'annotations',
      'startsAt',
      'endsAt',
      'generatorURL',
      'fingerprint',
      'silenceURL',
      'dashboardURL',
      'panelURL',
      'values',
      'valueString',
    ]);
  });
});

describe('POST /v1/alerts/grafana', () => {
  it('records a firing alert signed over timestamp:body with the Bearer token', async () => {
    const harness = await alertHarness();
    const answer = await harness.call(grafanaRoute, signed(harness, firing()));
    expect(answer).toMatchObject({
      status: 200,
      body: { accepted: [{ alertName: 'PostgresCPUHigh', primaryId: 'postgres-sgsearch', replayed: false }] },
    });
    const [record] = harness.store.records.values();
    expect(record?.request).toMatchObject({
      MasterDBInstanceId: 'postgres-sgsearch',
      Region: 'ap-singapore',
      SpecCode: 'pg.it.medium4',
    });
    expect(record?.requester).toMatchObject({
      source: 'grafana',
      identity: 'PostgresCPUHigh',
      context: {
        fingerprint: '9a3b5c7d1e2f4a6b',
        startsAt: '2026-11-29T11:20:00Z',
        orgId: '1',
        folder: 'Databases',
      },
    });
  });

  it('accepts both signature header spellings (docs and code) and a configured one', async () => {
    const harness = await alertHarness();
    expect(
      (
        await harness.call(
          grafanaRoute,
          signed(harness, firing(), { signatureHeader: 'X-Grafana-Alert-Signature' }),
        )
      ).status,
    ).toBe(200);
    const custom = await alertHarness({
      grafana: {
        hmacSecret: 'h'.repeat(32),
        signatureHeader: 'x-signature',
        timestampHeader: 'x-grafana-alerting-timestamp',
      },
    });
    const body = firing();
    const ts = seconds(custom);
    const event = httpEvent({
      path: '/v1/alerts/grafana',
      body,
      headers: {
        'x-signature': grafanaSignature('h'.repeat(32), body, ts),
        'x-grafana-alerting-timestamp': ts,
      },
    });
    expect((await custom.call(grafanaRoute, event)).status).toBe(200);
  });

  it('answers a replay inside the window with the same request, recording nothing new', async () => {
    const harness = await alertHarness();
    const event = signed(harness, firing());
    const first = await harness.call(grafanaRoute, event);
    harness.clock.advance(60_000);
    const replay = await harness.call(grafanaRoute, event);
    expect(replay.status).toBe(200);
    expect(replay.body.accepted).toEqual([{ ...(first.body.accepted as object[])[0], replayed: true }]);
    expect(harness.store.records.size).toBe(1);
  });

  it('answers 401 alike for a wrong, stale, future, replayed-too-late or missing credential', async () => {
    const harness = await alertHarness();
    const body = firing();
    const now = Number(seconds(harness));
    const late = signed(harness, body);
    const cases = [
      signed(harness, body, { signature: grafanaSignature('not-the-secret-at-all', body, String(now)) }),
      signed(harness, body, { signature: grafanaSignature(harness.credentials.grafanaHmacSecret, body) }),
      signed(harness, body, { ts: String(now - 301) }),
      signed(harness, body, { ts: String(now + 301) }),
      signed(harness, body, { ts: 'yesterday' }),
      signed(harness, body, { signature: '' }),
      signed(harness, body, { token: null }),
      signed(harness, body, { token: `${harness.credentials.grafanaToken}x` }),
      {
        ...signed(harness, body),
        body: Buffer.from(firing().toString('utf8').replace('86.4', '99.9')).toString('base64'),
      },
    ];
    const answers = [];
    for (const event of cases) answers.push(await harness.call(grafanaRoute, event));
    harness.clock.advance(301_000);
    answers.push(await harness.call(grafanaRoute, late));
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({
        error: { code: 'UNAUTHORIZED', message: 'Missing or invalid credentials' },
      });
    }
    expect(harness.store.records.size).toBe(0);
  });

  it('signs the body alone when no timestamp header is configured', async () => {
    const harness = await alertHarness({ grafana: { hmacSecret: 's'.repeat(32) } });
    const body = firing();
    const event = httpEvent({
      path: '/v1/alerts/grafana',
      body,
      headers: { 'x-grafana-alerting-signature': grafanaSignature('s'.repeat(32), body) },
    });
    expect((await harness.call(grafanaRoute, event)).status).toBe(200);
  });

  it('takes a Bearer token alone when no HMAC secret is configured, and nothing when neither is', async () => {
    const tokenOnly = await alertHarness({ grafana: { token: 't'.repeat(32) } });
    const bearer = (token: string) =>
      httpEvent({
        path: '/v1/alerts/grafana',
        body: firing(),
        headers: { authorization: `Bearer ${token}` },
      });
    expect((await tokenOnly.call(grafanaRoute, bearer('t'.repeat(32)))).status).toBe(200);
    expect((await tokenOnly.call(grafanaRoute, bearer('u'.repeat(32)))).status).toBe(401);
    const none = await alertHarness({ grafana: {} });
    expect((await none.call(grafanaRoute, bearer(''))).status).toBe(401);
  });

  it('acknowledges a resolved notification and answers 400 for a bad payload', async () => {
    const harness = await alertHarness();
    const resolved = await harness.call(
      grafanaRoute,
      signed(harness, eventBytes('grafana/resolved.wire.json')),
    );
    expect(resolved.body).toEqual({
      accepted: [],
      scaleIn: [],
      ignored: [
        {
          alertName: 'PostgresCPUHigh',
          reason: 'resolved; scale-in is off for postgres-sgsearch (its policy entry has no scaleIn)',
        },
      ],
    });
    const bad = Buffer.from(
      firing().toString('utf8').replace('"fingerprint":"9a3b5c7d1e2f4a6b"', '"fingerprint":42'),
    );
    const answer = await harness.call(grafanaRoute, signed(harness, bad));
    expect(answer.status).toBe(400);
    expect((answer.body.error as { message: string }).message).toContain('alerts.0.fingerprint');
  });

  it('never writes the HMAC secret or the token to a log line', async () => {
    const harness = await alertHarness();
    const logs = await captureLogs(async () => {
      await harness.call(grafanaRoute, signed(harness, firing()));
      await harness.call(grafanaRoute, signed(harness, firing(), { token: 'wrong-token-wrong-token' }));
    });
    expect(logs).toContain('alert credentials refused');
    expect(logs).not.toContain(harness.credentials.grafanaHmacSecret);
    expect(logs).not.toContain(harness.credentials.grafanaToken);
  });
});
