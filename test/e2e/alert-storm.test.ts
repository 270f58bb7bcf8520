import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestIdFor } from '#shared/domain/idempotency.ts';
import { alertIdempotencyKey } from '#shared/ingress/alerts/alert-to-request.ts';
import { eventBytes } from '#test/support/alert-harness.ts';
import { type AlertStackFixture, startAlertStack } from '#test/support/alert-stack-fixture.ts';

type Receipt = { accepted: { requestId: string }[] };

const text = (file: string) => eventBytes(file).toString('utf8');
const acceptedIds = async (answer: Response): Promise<string[]> => {
  expect(answer.status).toBe(200);
  return ((await answer.json()) as Receipt).accepted.map((accepted) => accepted.requestId);
};

describe('an alert storm on one primary, end to end', () => {
  let fixture: AlertStackFixture;

  beforeAll(async () => {
    fixture = await startAlertStack();
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it('creates exactly one replica from the same alert 20 times plus 5 other alerts from four sources inside the cooldown', async () => {
    const repeat = eventBytes('alertmanager/firing.wire.json');
    const otherAlertmanager = (fingerprint: string, alertname: string) =>
      text('alertmanager/firing.wire.json')
        .replace('"fingerprint":"c6d2f0a9e58b3f41"', `"fingerprint":"${fingerprint}"`)
        .replaceAll('PostgresHighCPU', alertname);
    const grafanaOnSamePrimary = Buffer.from(
      text('grafana/firing.wire.json')
        .replaceAll('postgres-sgsearch', 'postgres-abcdef')
        .replaceAll('"region":"sg"', '"region":"bj"'),
    );

    const answers = await Promise.all([
      ...Array.from({ length: 20 }, () => fixture.alertmanager(repeat)),
      fixture.alertmanager(otherAlertmanager('0a1b2c3d4e5f6071', 'PostgresHighConnections')),
      fixture.alertmanager(otherAlertmanager('8192a3b4c5d6e7f8', 'PostgresReplicationLag')),
      fixture.tencentMonitor(eventBytes('tencent-monitor/postgres-cpu-alarm.json')),
      fixture.cloudwatch(eventBytes('cloudwatch/alarm-state-change.json')),
      fixture.grafana(grafanaOnSamePrimary),
    ]);

    const repeats = await Promise.all(answers.slice(0, 20).map(acceptedIds));
    const [first] = repeats[0] ?? [];
    expect(new Set(repeats.flat())).toEqual(new Set([first]));
    expect(answers[22]?.status).toBe(200);
    const tencentRequest = requestIdFor(
      'tencent-monitor',
      alertIdempotencyKey('tencent-monitor', [
        'xxxxxxxx-3f1b9c2e7d',
        'policy-n4exeh88',
        'postgres-abcdef',
        '2026-11-29 19:17:00',
      ]),
    );
    const others = [
      ...(await acceptedIds(answers[20] as Response)),
      ...(await acceptedIds(answers[21] as Response)),
      tencentRequest,
      ...(await acceptedIds(answers[23] as Response)),
      ...(await acceptedIds(answers[24] as Response)),
    ];
    const requestIds = [first ?? '', ...others];
    expect(new Set(requestIds).size).toBe(6);

    const views = await Promise.all(requestIds.map((requestId) => fixture.settled(requestId, 60_000)));
    const ready = views.filter((view) => view.state === 'READY');
    const suppressed = views.filter((view) => view.state === 'SUPPRESSED');
    expect(ready).toHaveLength(1);
    expect(suppressed).toHaveLength(5);
    for (const view of suppressed) {
      expect(view.violations).toEqual([
        expect.objectContaining({
          rule: 'scaleOut.cooldown',
          message: expect.stringContaining(`(request ${ready[0]?.requestId}); cooldown until`),
        }),
      ]);
    }
    expect(new Set(views.map((view) => view.requester.source))).toEqual(
      new Set(['alertmanager', 'tencent-monitor', 'cloudwatch', 'grafana']),
    );
    expect(fixture.replicasOf('postgres-abcdef')).toHaveLength(1);
    expect(fixture.stack.emulator?.instances()).toHaveLength(1);
  });

  it('suppresses an alert for a primary already at its scale-out maximum, and one whose scale-out is disabled', async () => {
    const manual = await fixture.api.submit(
      { MasterDBInstanceId: 'postgres-bjorder1' },
      `manual-${randomUUID()}`,
    );
    expect((await fixture.settled(manual.requestId)).state).toBe('READY');
    expect(fixture.replicasOf('postgres-bjorder1')).toHaveLength(1);

    const [atMaximum] = await acceptedIds(
      await fixture.alertmanager(eventBytes('alertmanager/firing-short-region.wire.json')),
    );
    const isolated = text('alertmanager/firing.wire.json')
      .replace('"postgres-abcdef"', '"postgres-shisol01"')
      .replace('"region":"ap-beijing"', '"region":"sh"')
      // Alertmanager's fingerprint hashes the labels: another instance is another fingerprint.
      .replace('"fingerprint":"c6d2f0a9e58b3f41"', '"fingerprint":"5d4c3b2a19081726"');
    const [disabled] = await acceptedIds(await fixture.alertmanager(isolated));

    const maxed = await fixture.settled(atMaximum ?? '');
    expect(maxed.state).toBe('SUPPRESSED');
    expect(maxed.violations).toEqual([
      expect.objectContaining({
        rule: 'scaleOut.maxReplicas',
        message:
          'Primary postgres-bjorder1 has 1 replica(s) (1 listed by Tencent, 0 in flight); scale-out stops at 1',
      }),
    ]);
    const off = await fixture.settled(disabled ?? '');
    expect(off.state).toBe('SUPPRESSED');
    expect(off.violations).toEqual([expect.objectContaining({ rule: 'scaleOut.disabled' })]);
    expect(fixture.replicasOf('postgres-bjorder1')).toHaveLength(1);
    expect(fixture.replicasOf('postgres-shisol01')).toHaveLength(0);
  });
});
