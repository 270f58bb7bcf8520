import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestIdFor } from '#shared/domain/idempotency.ts';
import { alertIdempotencyKey } from '#shared/ingress/alerts/alert-to-request.ts';
import { eventBytes, eventJson } from '#test/support/alert-harness.ts';
import { type AlertStackFixture, startAlertStack } from '#test/support/alert-stack-fixture.ts';

type Receipt = {
  accepted: { requestId: string; primaryId: string; replayed: boolean }[];
  ignored: unknown[];
};

describe('alert sources, end to end through the local stack', () => {
  let fixture: AlertStackFixture;

  beforeAll(async () => {
    fixture = await startAlertStack();
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it('Alertmanager: a firing alert becomes a replica, and a CloudWatch alarm for the same primary is suppressed by the cooldown', async () => {
    const answer = await fixture.alertmanager(eventBytes('alertmanager/firing.wire.json'));
    expect(answer.status).toBe(200);
    const receipt = (await answer.json()) as Receipt;
    expect(receipt.ignored).toHaveLength(1);
    const [accepted] = receipt.accepted;
    const view = await fixture.settled(accepted?.requestId ?? '');
    const webhook = await fixture.receiver.waitFor(view.requestId, 10_000);

    expect(view.state).toBe('READY');
    expect(view.plan).toMatchObject({ SpecCode: 'pg.it.medium4', Storage: 200, Zone: 'ap-beijing-4' });
    expect(webhook.payload.type).toBe('replica.ready');
    expect(webhook.payload.data.requester).toMatchObject({
      source: 'alertmanager',
      identity: 'PostgresHighCPU',
    });
    expect(fixture.replicasOf('postgres-abcdef')).toHaveLength(1);

    const alarm = await fixture.cloudwatch(eventBytes('cloudwatch/alarm-state-change.json'));
    const [suppressedRequest] = ((await alarm.json()) as Receipt).accepted;
    const suppressed = await fixture.settled(suppressedRequest?.requestId ?? '');
    const notice = await fixture.receiver.waitFor(suppressed.requestId, 10_000);
    expect(suppressed.state).toBe('SUPPRESSED');
    expect(suppressed.violations).toEqual([expect.objectContaining({ rule: 'scaleOut.cooldown' })]);
    expect(notice.payload.type).toBe('replica.suppressed');
    expect(notice.payload.data.requester).toMatchObject({
      source: 'cloudwatch',
      identity: 'postgres-abcdef-cpu-high',
    });
    expect(fixture.replicasOf('postgres-abcdef')).toHaveLength(1);
  });

  it('Cloud Monitor: an alarm callback on the path-token URL becomes a replica in the mapped region', async () => {
    const body = eventBytes('tencent-monitor/postgres-connections-alarm-full-width.json');
    const answer = await fixture.tencentMonitor(body);
    expect(await answer.json()).toEqual({ sessionId: 'xxxxxxxx-c0ffee1234', retCode: 0 });
    const requestId = requestIdFor(
      'tencent-monitor',
      alertIdempotencyKey('tencent-monitor', [
        'xxxxxxxx-c0ffee1234',
        'policy-7gq2kd0a',
        'postgres-gzprep01',
        '2026-11-29 20:05:00',
      ]),
    );
    const view = await fixture.settled(requestId);
    expect(view.state).toBe('READY');
    expect(view.region).toBe('ap-guangzhou');
    expect(view.requester).toMatchObject({ source: 'tencent-monitor', identity: 'billing-connections-high' });
    expect(fixture.replicasOf('postgres-gzprep01')).toHaveLength(1);
  });

  it('CloudWatch: the alarm rule puts the EventBridge envelope on the requests queue; validate turns it into a replica', async () => {
    const envelope = eventJson('cloudwatch/alarm-state-change-tagged.json');
    await fixture.stack.dependencies.queue.send('requests', envelope);
    const requestId = requestIdFor(
      'cloudwatch',
      alertIdempotencyKey('cloudwatch', [
        'arn:aws:cloudwatch:ap-southeast-1:123456789012:alarm:orders-db-read-latency',
        '2026-11-29T12:01:00.117+0000',
      ]),
    );
    await expect
      .poll(() => fixture.stack.dependencies.store.get(requestId), { timeout: 10_000 })
      .toBeDefined();
    const view = await fixture.settled(requestId);
    expect(view.state).toBe('READY');
    expect(view.primary).toBe('postgres-bjorder1');
    expect(fixture.replicasOf('postgres-bjorder1')).toHaveLength(1);

    const viaApiDestination = await fixture.cloudwatch(JSON.stringify(envelope));
    expect(((await viaApiDestination.json()) as Receipt).accepted).toEqual([
      expect.objectContaining({ requestId, replayed: true }),
    ]);
  });

  it('Grafana: a signed, timestamped notification with the Bearer token becomes a replica', async () => {
    const answer = await fixture.grafana(eventBytes('grafana/firing.wire.json'));
    expect(answer.status).toBe(200);
    const [accepted] = ((await answer.json()) as Receipt).accepted;
    const view = await fixture.settled(accepted?.requestId ?? '');
    expect(view.state).toBe('READY');
    expect(view.plan).toMatchObject({ MasterDBInstanceId: 'postgres-sgsearch', SpecCode: 'pg.it.medium4' });
    expect(fixture.replicasOf('postgres-sgsearch')).toHaveLength(1);
  });

  it('answers bad credentials with 401 and a bad payload with 400 on every source, recording nothing', async () => {
    const statuses = await Promise.all([
      fixture.post('alertmanager', eventBytes('alertmanager/firing.wire.json'), {
        authorization: 'Bearer nope-nope-nope-nope',
      }),
      fixture.post('tencent-monitor', eventBytes('tencent-monitor/postgres-cpu-alarm.json')),
      fixture.post(
        'tencent-monitor/not-the-token-at-all',
        eventBytes('tencent-monitor/postgres-cpu-alarm.json'),
      ),
      fixture.post('cloudwatch', eventBytes('cloudwatch/alarm-state-change.json')),
      fixture.post('grafana', eventBytes('grafana/firing.wire.json')),
      fixture.alertmanager('{"version":"4"}'),
      fixture.tencentMonitor('{"sessionId":"s"}'),
      fixture.cloudwatch('[]'),
      fixture.grafana(Buffer.from('{"alerts":"none"}')),
    ]).then((answers) => answers.map((answer) => answer.status));
    expect(statuses).toEqual([401, 401, 401, 401, 401, 400, 400, 400, 400]);
  });
});
