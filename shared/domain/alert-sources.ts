import type { RequesterSource } from '#shared/domain/replica-request.ts';

/** The requester sources that are load alerts: their requests pass the scale-out gate. */
export const ALERT_SOURCES = [
  'alertmanager',
  'tencent-monitor',
  'cloudwatch',
  'grafana',
] as const satisfies readonly RequesterSource[];
export type AlertSource = (typeof ALERT_SOURCES)[number];

const ALERT_SOURCE_SET: ReadonlySet<string> = new Set(ALERT_SOURCES);

export const isAlertSource = (source: string): source is AlertSource => ALERT_SOURCE_SET.has(source);
