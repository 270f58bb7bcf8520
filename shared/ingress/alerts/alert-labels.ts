import type { Region } from '#shared/domain/replica-request-fields.ts';
import { tencentFields } from '#shared/domain/replica-request-fields.ts';
import { shown } from '#shared/ingress/alerts/alert.ts';
import { regionFromCode } from '#shared/ingress/alerts/tencent-regions.ts';

export type PrimaryFromLabels =
  | { readonly primaryId: string; readonly region?: Region }
  | { readonly reason: string };

/**
 * The primary (and its region, when labelled) an Alertmanager or Grafana alert names, from the
 * configured label names (`ALERT_PRIMARY_LABEL`, `ALERT_REGION_LABEL`). Region labels may be full
 * names (`ap-guangzhou`) or Tencent's short codes (`gz`).
 */
export const primaryFromLabels = (
  labels: Readonly<Record<string, string>>,
  names: { readonly primary: string; readonly region: string },
): PrimaryFromLabels => {
  const primaryId = Object.hasOwn(labels, names.primary) ? labels[names.primary]?.trim() : undefined;
  if (!primaryId) return { reason: `no "${names.primary}" label naming a primary` };
  if (!tencentFields.MasterDBInstanceId.safeParse(primaryId).success) {
    return {
      reason: `label ${names.primary}="${shown(primaryId)}" is not a TencentDB for PostgreSQL instance id`,
    };
  }
  const regionLabel = Object.hasOwn(labels, names.region) ? labels[names.region]?.trim() : undefined;
  if (!regionLabel) return { primaryId };
  const region = regionFromCode(regionLabel);
  if (!region) {
    return {
      reason: `label ${names.region}="${shown(regionLabel)}" is not a region replicas can be created in`,
    };
  }
  return { primaryId, region };
};
