import { describe, expect, it } from 'vitest';
import { loadPolicy } from '#shared/domain/policy-loader.ts';
import { parseAlertBody } from '#shared/ingress/alerts/alert-body.ts';
import { submitAlerts } from '#shared/ingress/alerts/alert-to-request.ts';
import { readAlertmanagerAlerts } from '#shared/ingress/alerts/alertmanager/alertmanager-alerts.ts';
import { alertmanagerPayloadSchema } from '#shared/ingress/alerts/alertmanager/alertmanager-payload.ts';
import { readCloudWatchAlarm } from '#shared/ingress/alerts/cloudwatch/cloudwatch-alarm.ts';
import { cloudwatchAlarmEventSchema } from '#shared/ingress/alerts/cloudwatch/cloudwatch-alarm-event.ts';
import { readGrafanaAlerts } from '#shared/ingress/alerts/grafana/grafana-alerts.ts';
import { grafanaPayloadSchema } from '#shared/ingress/alerts/grafana/grafana-payload.ts';
import { readTencentMonitorAlarm } from '#shared/ingress/alerts/tencent-monitor/tencent-monitor-alarm.ts';
import { tencentMonitorPayloadSchema } from '#shared/ingress/alerts/tencent-monitor/tencent-monitor-payload.ts';
import { policyFixturePath } from '#test/fixtures/policies.ts';
import { eventBytes, testClock } from '#test/support/alert-harness.ts';
import { InMemoryStore } from '#test/support/in-memory-store.ts';
import { RecordingQueue } from '#test/support/recording-queue.ts';

/**
 * Each alert source's "it stopped" (the real sample payloads under events/): Alertmanager and
 * Grafana `resolved`, Cloud Monitor recovered (alarmStatus 0), CloudWatch `OK`, read and recorded as
 * the primary's scale-in candidacy when its policy has `scaleIn.enabled`; nothing else recorded.
 */
const policy = loadPolicy(policyFixturePath('scale-in.yaml'));
const labels = { primary: 'instance_id', region: 'region' };

const sources = [
  {
    source: 'alertmanager',
    primaryId: 'postgres-abcdef',
    read: () =>
      readAlertmanagerAlerts(
        parseAlertBody(eventBytes('alertmanager/resolved.wire.json'), alertmanagerPayloadSchema, 'am'),
        labels,
      ),
  },
  {
    source: 'grafana',
    primaryId: 'postgres-sgsearch',
    read: () =>
      readGrafanaAlerts(
        parseAlertBody(eventBytes('grafana/resolved.wire.json'), grafanaPayloadSchema, 'grafana'),
        labels,
      ),
  },
  {
    source: 'tencent-monitor',
    primaryId: 'postgres-abcdef',
    read: () => [
      readTencentMonitorAlarm(
        parseAlertBody(
          eventBytes('tencent-monitor/postgres-cpu-recovered.json'),
          tencentMonitorPayloadSchema,
          'tm',
        ),
      ),
    ],
  },
  {
    source: 'cloudwatch',
    primaryId: 'postgres-abcdef',
    read: () => [
      readCloudWatchAlarm(
        parseAlertBody(eventBytes('cloudwatch/ok-state-change.json'), cloudwatchAlarmEventSchema, 'cw'),
        policy,
      ),
    ],
  },
] as const;

describe.each(sources)('a resolved alert from $source', ({ source, primaryId, read }) => {
  it('makes its primary a scale-in candidate (once, however often it is repeated) and records no request', async () => {
    const deps = { store: new InMemoryStore(), queue: new RecordingQueue(), clock: testClock(), policy };
    const readings = read();
    expect(readings).toEqual([
      expect.objectContaining({ kind: 'resolved', alert: expect.objectContaining({ source, primaryId }) }),
    ]);

    const first = await submitAlerts(readings, deps);
    const since = deps.clock.now().toISOString();
    deps.clock.advance(5_000);
    const repeat = await submitAlerts(read(), deps);

    expect(first).toEqual({
      accepted: [],
      scaleIn: [{ alertName: expect.any(String), primaryId, epoch: 1, since }],
      ignored: [],
    });
    expect(repeat.scaleIn).toEqual(first.scaleIn);
    expect(await deps.store.getFleetState(primaryId)).toMatchObject({
      candidate: { epoch: 1, since, source },
      firing: {},
    });
    expect(deps.store.records.size).toBe(0);
    expect(deps.queue.sent).toEqual([]);
  });

  it('is ignored, saying why, for a primary whose policy has no scaleIn', async () => {
    const deps = {
      store: new InMemoryStore(),
      queue: new RecordingQueue(),
      clock: testClock(),
      policy: loadPolicy(policyFixturePath('alerts.yaml')),
    };
    const receipt = await submitAlerts(read(), deps);
    expect(receipt.scaleIn).toEqual([]);
    expect(receipt.ignored).toEqual([
      { alertName: expect.any(String), reason: expect.stringMatching(/^resolved; scale-in is off for /) },
    ]);
    expect(deps.store.fleetStates.size).toBe(0);
  });
});
