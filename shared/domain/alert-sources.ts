import { type AlertSourceId, SOURCES } from '#shared/ingress/sources.ts';

/** The requester sources that are load alerts (`kind: 'alert'` in shared/ingress/sources.ts): their requests pass the scale-out gate. */
export const ALERT_SOURCES: readonly AlertSourceId[] = SOURCES.flatMap((source) =>
  source.kind === 'alert' ? [source.id] : [],
);
export type AlertSource = AlertSourceId;

const ALERT_SOURCE_SET: ReadonlySet<string> = new Set(ALERT_SOURCES);

export const isAlertSource = (source: string): source is AlertSource => ALERT_SOURCE_SET.has(source);
