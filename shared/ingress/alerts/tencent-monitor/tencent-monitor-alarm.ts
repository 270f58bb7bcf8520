import { tencentFields } from '#shared/domain/replica-request-fields.ts';
import type { AlertReading } from '#shared/ingress/alerts/alert.ts';
import { firing, ignored, resolved, shown } from '#shared/ingress/alerts/alert.ts';
import type { TencentMonitorPayload } from '#shared/ingress/alerts/tencent-monitor/tencent-monitor-payload.ts';
import { regionFromCode } from '#shared/ingress/alerts/tencent-regions.ts';

/** `ID:postgres-1292ja01|Instance Name:…`: the id before the first `|`; ASCII or full-width colon. */
const OBJ_NAME_ID = /^\s*ID\s*[:：]\s*([^|]+?)\s*(?:\||$)/;

/** The instance id in `dimensions.objName`, or undefined. */
export const instanceIdFromObjName = (objName: string): string | undefined => OBJ_NAME_ID.exec(objName)?.[1];

/**
 * A Cloud Monitor alarm callback, read: an alarm (status 1) on a PostgreSQL instance becomes a
 * scale-out candidate keyed by the session, policy, object and first-occurrence time; a recovery
 * (status 0) of one may make it a scale-in candidate (the alarm is known by its policy and object);
 * an object that is not a PostgreSQL instance is ignored.
 */
export const readTencentMonitorAlarm = (payload: TencentMonitorPayload): AlertReading => {
  const policy = payload.alarmPolicyInfo;
  const conditions = policy.conditions ?? {};
  const alertName =
    policy.policyName ||
    conditions.metricName ||
    conditions.eventName ||
    policy.policyId ||
    'Cloud Monitor alarm';
  const objName = payload.alarmObjInfo.dimensions?.objName;
  if (typeof objName !== 'string') return ignored(alertName, 'no dimensions.objName naming an instance');
  const primaryId = instanceIdFromObjName(objName);
  if (!primaryId || !tencentFields.MasterDBInstanceId.safeParse(primaryId).success) {
    return ignored(
      alertName,
      `dimensions.objName "${shown(objName)}" names no PostgreSQL instance (ID:postgres-…)`,
    );
  }
  const code = payload.alarmObjInfo.region;
  const region = code ? regionFromCode(code) : undefined;
  if (code && !region) {
    return ignored(alertName, `region "${shown(code)}" is not a region replicas can be created in`);
  }
  // The alarm, not this notification: its policy (or, without one, its name) on this object.
  const key = `${policy.policyId || alertName}|${primaryId}`;
  if (payload.alarmStatus !== '1') {
    return resolved({ source: 'tencent-monitor', alertName, primaryId, ...(region ? { region } : {}), key });
  }
  return firing({
    source: 'tencent-monitor',
    alertName,
    primaryId,
    ...(region ? { region } : {}),
    dedupe: [payload.sessionId, policy.policyId ?? '', primaryId, payload.firstOccurTime],
    key,
    context: {
      sessionId: payload.sessionId,
      firstOccurTime: payload.firstOccurTime,
      ...(policy.policyId ? { policyId: policy.policyId } : {}),
      ...(policy.policyName ? { policyName: policy.policyName } : {}),
      ...(policy.policyType ? { policyType: policy.policyType } : {}),
      ...(payload.alarmType ? { alarmType: payload.alarmType } : {}),
      ...(payload.alarmObjInfo.namespace ? { namespace: payload.alarmObjInfo.namespace } : {}),
      ...(code ? { region: code } : {}),
      ...(conditions.metricName ? { metricName: conditions.metricName } : {}),
      ...(conditions.eventName ? { eventName: conditions.eventName } : {}),
    },
  });
};
