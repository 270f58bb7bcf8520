import type { ActionCall, ActionEnv } from '#emulator/actions/action.ts';
import { ApiError, apiErrors } from '#emulator/protocol/api-error.ts';
import type { GroupView, ZoneLocation } from '#emulator/state/emulator-state.ts';
import { groupStatus, liveGroupsOf } from '#emulator/state/group-lifecycle.ts';
import { REMOVED_STATUSES, replicaStatus } from '#emulator/state/lifecycle.ts';
import type { TagValue } from '#emulator/state/records.ts';
import { majorVersionOf } from '#emulator/views/db-instance-view.ts';
import type { ChargeType, WorldPrimary, WorldSpec } from '#emulator/world/world-schema.ts';

/** The parameters the rules read (the action's validated request). */
export interface PurchaseParams {
  readonly Zone: string;
  readonly MasterDBInstanceId: string;
  readonly SpecCode: string;
  readonly Storage: number;
  readonly InstanceCount: number;
  readonly Period: number;
  readonly VpcId?: string | undefined;
  readonly SubnetId?: string | undefined;
  readonly InstanceChargeType?: string | undefined;
  readonly AutoVoucher?: number | undefined;
  readonly VoucherIds?: readonly string[] | undefined;
  readonly AutoRenewFlag?: number | undefined;
  readonly ProjectId?: number | undefined;
  readonly ReadOnlyGroupId?: string | undefined;
  readonly TagList?: TagValue | undefined;
  readonly Tags?: readonly TagValue[] | undefined;
  readonly SecurityGroupIds?: readonly string[] | undefined;
  readonly NeedSupportIpv6?: number | undefined;
  readonly Name?: string | undefined;
}

/** Everything a valid purchase resolved to. */
export interface PurchasePlan {
  readonly primary: WorldPrimary;
  readonly zone: ZoneLocation;
  readonly spec: WorldSpec;
  readonly chargeType: ChargeType;
  /** The group given, or `undefined` when the purchase creates a new one. */
  readonly group: GroupView | undefined;
  readonly name: string;
  readonly tags: readonly TagValue[];
}

const PREPAID_PERIODS = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 24, 36]);
const CHARGE_TYPES: ReadonlySet<string> = new Set(['PREPAID', 'POSTPAID_BY_HOUR']);
/** Chinese characters, letters, digits, `_` and `-` (seed page, `Name`). */
const NAME_CHARACTERS = /^[\p{Script=Han}A-Za-z0-9_-]+$/u;
const MAX_NAME_LENGTH = 59;
/** What the console shows for an instance bought without a name. */
export const DEFAULT_INSTANCE_NAME = '未命名';

const check = (condition: boolean, code: string, message: string): void => {
  if (!condition) throw new ApiError(code, message);
};

const checkFlag = (name: string, value: number | undefined): void => {
  if (value !== undefined && value !== 0 && value !== 1) throw apiErrors.invalidValue(name, '0 or 1');
};

const checkRequestShape = (p: PurchaseParams): { chargeType: ChargeType; name: string } => {
  check(
    p.InstanceCount >= 1 && p.InstanceCount <= 6,
    'InvalidParameterValue.InvalidInstanceNum',
    `InstanceCount must be between 1 and 6; got ${p.InstanceCount}.`,
  );
  const name = p.Name ?? '';
  if (name !== '') {
    check(
      NAME_CHARACTERS.test(name),
      'InvalidParameterValue.ParameterCharacterError',
      'Name may contain only Chinese characters, letters, digits, underscores (_) and hyphens (-).',
    );
    check(
      [...name].length <= MAX_NAME_LENGTH,
      'InvalidParameterValue.ParameterLengthLimitError',
      `Name must be shorter than 60 characters; got ${[...name].length}.`,
    );
  }
  const chargeType = p.InstanceChargeType ?? 'PREPAID';
  check(
    CHARGE_TYPES.has(chargeType),
    'InvalidParameterValue.IllegalInstanceChargeType',
    `InstanceChargeType must be PREPAID or POSTPAID_BY_HOUR; got \`${chargeType}\`.`,
  );
  if (chargeType === 'PREPAID' && !PREPAID_PERIODS.has(p.Period)) {
    throw apiErrors.invalidValue('Period', 'one of 1-12, 24, 36 (months) for PREPAID');
  }
  if (chargeType === 'POSTPAID_BY_HOUR' && p.Period !== 1) {
    throw apiErrors.invalidValue('Period', '1 for POSTPAID_BY_HOUR');
  }
  checkFlag('AutoRenewFlag', p.AutoRenewFlag);
  checkFlag('AutoVoucher', p.AutoVoucher);
  checkFlag('NeedSupportIpv6', p.NeedSupportIpv6);
  check(
    p.ProjectId === undefined || p.ProjectId >= 0,
    'InvalidParameterValue.IllegalProjectId',
    `ProjectId ${p.ProjectId} is not a valid project.`,
  );
  if ((p.VoucherIds?.length ?? 0) > 1) throw apiErrors.invalidValue('VoucherIds', 'at most one voucher');
  for (const sg of p.SecurityGroupIds ?? []) {
    if (!/^sg-[a-z0-9]+$/.test(sg)) throw apiErrors.invalidValue('SecurityGroupIds', 'sg-xxxxxxxx');
  }
  return { chargeType: chargeType as ChargeType, name: name === '' ? DEFAULT_INSTANCE_NAME : name };
};

const checkPrimary = (env: ActionEnv, p: PurchaseParams, region: string): WorldPrimary => {
  const primary = env.state.primary(p.MasterDBInstanceId);
  if (!primary || primary.region !== region) {
    throw new ApiError(
      'ResourceNotFound.InstanceNotFoundError',
      `The instance \`${p.MasterDBInstanceId}\` does not exist in region ${region}.`,
    );
  }
  check(
    primary.status === 'running',
    'OperationDenied.InstanceStatusLimitError',
    `The primary instance ${primary.id} is \`${primary.status}\`; read-only instances can be added only to a running primary.`,
  );
  return primary;
};

/** The primary's VPC subnet in `zone` (its own in its zone, `zoneSubnets` elsewhere), or undefined. */
export const subnetOfZone = (primary: WorldPrimary, zone: string): string | undefined =>
  zone === primary.zone
    ? primary.subnetId
    : primary.zoneSubnets.find((subnet) => subnet.zone === zone)?.subnetId;

const checkPlacement = (
  env: ActionEnv,
  p: PurchaseParams,
  region: string,
  primary: WorldPrimary,
): { zone: ZoneLocation; spec: WorldSpec } => {
  const zone = env.state.zone(p.Zone);
  check(
    zone !== undefined && zone.region === region,
    'InvalidParameterValue.IllegalZone',
    `Zone \`${p.Zone}\` is not a zone of region ${region}.`,
  );
  const located = zone as ZoneLocation;
  check(
    located.zone.state !== 'UNAVAILABLE',
    'InvalidParameterValue.IllegalZone',
    `Zone ${p.Zone} is not available for purchases.`,
  );
  check(
    subnetOfZone(primary, p.Zone) !== undefined,
    'InvalidParameterValue.IllegalZone',
    `Zone ${p.Zone} is neither the zone of the primary instance ${primary.id} (${primary.zone}) nor a zone where its VPC has a subnet.`,
  );
  const spec = env.state.spec(p.Zone, p.SpecCode);
  const major = majorVersionOf(primary.version);
  check(
    spec !== undefined,
    'InvalidParameterValue.BadSpec',
    `Spec \`${p.SpecCode}\` is not sold in zone ${p.Zone}.`,
  );
  const sold = spec as WorldSpec;
  check(
    sold.onSale,
    'InvalidParameterValue.BadSpec',
    `Spec ${p.SpecCode} is no longer sold in zone ${p.Zone}.`,
  );
  check(
    sold.majorVersions === undefined || sold.majorVersions.includes(major),
    'InvalidParameterValue.BadSpec',
    `Spec ${p.SpecCode} is not sold for PostgreSQL ${major} in zone ${p.Zone}.`,
  );
  if (p.Storage % 10 !== 0) throw apiErrors.invalidValue('Storage', 'a multiple of 10 (GB)');
  if (p.Storage < sold.minStorage || p.Storage > sold.maxStorage) {
    throw apiErrors.invalidValue(
      'Storage',
      `[${sold.minStorage}, ${sold.maxStorage}] (GB) for spec ${sold.specCode}`,
    );
  }
  return { zone: located, spec: sold };
};

const checkNetwork = (p: PurchaseParams, primary: WorldPrimary): void => {
  const vpcId = p.VpcId ?? '';
  const subnetId = p.SubnetId ?? '';
  check(
    vpcId !== '' || subnetId !== '',
    'FailedOperation.CreateBasicNetworkDeniedError',
    'Instances can no longer be created in the classic network: VpcId and SubnetId are required.',
  );
  if (vpcId === '') throw apiErrors.missingParameter('VpcId');
  if (subnetId === '') throw apiErrors.missingParameter('SubnetId');
  check(
    vpcId === primary.vpcId,
    'InvalidParameter.VpcNotFoundError',
    `VPC ${vpcId} was not found for the primary instance ${primary.id}; read-only instances must use its VPC.`,
  );
  check(
    subnetId === subnetOfZone(primary, p.Zone),
    'InvalidParameter.VpcNotFoundError',
    `Subnet ${subnetId} was not found in VPC ${vpcId} in zone ${p.Zone} for the primary instance ${primary.id}.`,
  );
};

const checkGroupAndLimits = (
  env: ActionEnv,
  p: PurchaseParams,
  primary: WorldPrimary,
  now: number,
): GroupView | undefined => {
  const { limits } = env.state.world;
  const groupId = p.ReadOnlyGroupId ?? '';
  let group: GroupView | undefined;
  if (groupId === '') {
    check(
      liveGroupsOf(env.state, primary.id, now).length < limits.maxReadOnlyGroupsPerPrimary,
      'FailedOperation.ROGroupNumExceedError',
      `The primary instance ${primary.id} already has ${limits.maxReadOnlyGroupsPerPrimary} read-only groups, the maximum.`,
    );
  } else {
    group = env.state.group(groupId);
    const status = group && groupStatus(env.state, group, now);
    check(
      group !== undefined && group.primaryId === primary.id && status !== 'deleted',
      'FailedOperation.ROGroupNotFoundError',
      `The read-only group ${groupId} does not exist for the primary instance ${primary.id}.`,
    );
    check(
      status !== 'deleting',
      'OperationDenied.ROGroupStatusError',
      `The read-only group ${groupId} is being deleted.`,
    );
  }
  // Counted in place: a burst asks this once per create, over every replica of the primary.
  let existing = 0;
  for (const replica of env.state.replicasOf(primary.id)) {
    if (!REMOVED_STATUSES.has(replicaStatus(replica, now))) existing += 1;
  }
  check(
    existing + p.InstanceCount <= limits.maxReadOnlyPerPrimary,
    'OperationDenied.RoInstanceCountExeedError',
    `The primary instance ${primary.id} has ${existing} read-only instances; adding ${p.InstanceCount} would exceed the limit of ${limits.maxReadOnlyPerPrimary}.`,
  );
  return group;
};

const checkCapacity = (env: ActionEnv, p: PurchaseParams, zone: ZoneLocation): void => {
  const left = env.state.capacityLeft(p.Zone, p.SpecCode);
  check(
    zone.zone.state !== 'SELLOUT' && (left === undefined || left >= p.InstanceCount),
    'ResourceInsufficient.ResourceNotEnough',
    `There are not enough resources to purchase ${p.InstanceCount} instance(s) of ${p.SpecCode} in ${p.Zone}.`,
  );
};

/**
 * `TagList` (one tag) and `Tags` (a list) together, one value per key. When both name a key, the
 * `Tags` value wins: it is the newer field, the one Tencent's page tells callers to prefer, and the
 * one replica-flow writes its own tags into. What real Tencent keeps is not documented (not found in
 * the API page, the SDK or the Terraform provider), so replica-flow does not rely on this: it refuses
 * its reserved keys (`replica-flow-…`) in a request's `TagList` at the border.
 */
const mergedTags = (p: PurchaseParams): TagValue[] => {
  const byKey = new Map<string, TagValue>();
  for (const tag of [...(p.TagList ? [p.TagList] : []), ...(p.Tags ?? [])]) {
    if (tag.TagKey === '') throw apiErrors.invalidValue('TagKey', 'a non-empty string');
    byKey.set(tag.TagKey, { TagKey: tag.TagKey, TagValue: tag.TagValue });
  }
  return [...byKey.values()];
};

/**
 * Every rule of the seed page, in the order a caller would fix them: the request itself, the
 * primary, placement and spec, network, billing against the primary, groups and limits, capacity.
 */
export const checkPurchase = (env: ActionEnv, call: ActionCall<PurchaseParams>): PurchasePlan => {
  const p = call.params;
  const { chargeType, name } = checkRequestShape(p);
  const tags = mergedTags(p);
  const primary = checkPrimary(env, p, call.region);
  const { zone, spec } = checkPlacement(env, p, call.region, primary);
  checkNetwork(p, primary);
  check(
    !(primary.chargeType === 'POSTPAID_BY_HOUR' && chargeType === 'PREPAID'),
    'InvalidParameterValue.IllegalInstanceChargeType',
    `The primary instance ${primary.id} is POSTPAID_BY_HOUR, so its read-only instances must be POSTPAID_BY_HOUR too (InstanceChargeType defaults to PREPAID when omitted).`,
  );
  const group = checkGroupAndLimits(env, p, primary, call.now);
  checkCapacity(env, p, zone);
  return { primary, zone, spec, chargeType, group, name, tags };
};
