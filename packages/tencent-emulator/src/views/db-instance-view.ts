import type { EmulatorState } from '#emulator/state/emulator-state.ts';
import type { ReplicaStatus } from '#emulator/state/lifecycle.ts';
import { isListed, REMOVED_STATUSES, replicaStatus } from '#emulator/state/lifecycle.ts';
import type { ReplicaRecord } from '#emulator/state/records.ts';
import { addMonths, tencentTime, ZERO_TIME } from '#emulator/views/tencent-time.ts';
import type { WorldPrimary } from '#emulator/world/world-schema.ts';

/** `12.22` → `12`; `9.5.25` → `9.5` (before 10, the major version had two parts). */
export const majorVersionOf = (version: string): string => {
  const [first = '', second] = version.split('.');
  return Number(first) < 10 && second !== undefined ? `${first}.${second}` : first;
};

const payType = (chargeType: string): string => (chargeType === 'PREPAID' ? 'prepaid' : 'postpaid');

const netInfo = (
  ip: string,
  status: string,
  vpcId: string,
  subnetId: string,
): Record<string, string | number> => ({
  Address: '',
  Ip: ip,
  Port: 5432,
  NetType: 'private',
  Status: status,
  VpcId: vpcId,
  SubnetId: subnetId,
  ProtocolType: 'postgresql',
});

/** Read-only instances of the primary that exist for callers: listed and not isolating, isolated or offline. */
export const activeReadOnlyCount = (state: EmulatorState, primaryId: string, now: number): number =>
  state.replicasOf(primaryId).filter((r) => isListed(r, now) && !REMOVED_STATUSES.has(replicaStatus(r, now)))
    .length;

/** A world primary as a `DBInstance`. */
export const primaryView = (
  state: EmulatorState,
  primary: WorldPrimary,
  now: number,
): Record<string, unknown> => {
  const spec = state.spec(primary.zone, primary.specCode);
  const createdAt = Date.parse(primary.createdAt);
  return {
    Region: primary.region,
    Zone: primary.zone,
    VpcId: primary.vpcId,
    SubnetId: primary.subnetId,
    DBInstanceId: primary.id,
    DBInstanceName: primary.name,
    DBInstanceStatus: primary.status,
    DBInstanceMemory: Math.round((spec?.memoryMb ?? 0) / 1024),
    DBInstanceStorage: primary.storage,
    DBInstanceCpu: spec?.cpu ?? 0,
    DBInstanceClass: primary.specCode,
    DBMajorVersion: majorVersionOf(primary.version),
    DBVersion: primary.version,
    DBKernelVersion: `v${primary.version}_r1.0`,
    DBInstanceType: 'primary',
    DBInstanceVersion: 'standard',
    DBCharset: 'UTF8',
    CreateTime: tencentTime(createdAt),
    UpdateTime: tencentTime(createdAt),
    ExpireTime: primary.chargeType === 'PREPAID' ? tencentTime(addMonths(createdAt, 36)) : ZERO_TIME,
    IsolatedTime: ZERO_TIME,
    PayType: payType(primary.chargeType),
    AutoRenew: primary.chargeType === 'PREPAID' ? 1 : 0,
    DBInstanceNetInfo: [
      netInfo(
        primary.privateIp,
        primary.status === 'running' ? 'opened' : 'closed',
        primary.vpcId,
        primary.subnetId,
      ),
    ],
    Type: 'TS85',
    AppId: state.world.account.appId,
    Uid: state.world.account.uid,
    ProjectId: primary.projectId,
    TagList: primary.tags.map((t) => ({ TagKey: t.key, TagValue: t.value })),
    MasterDBInstanceId: '',
    ReadOnlyInstanceNum: activeReadOnlyCount(state, primary.id, now),
    StatusInReadonlyGroup: '',
    OfflineTime: ZERO_TIME,
    DBNodeSet: [
      { Role: 'Primary', Zone: primary.zone },
      { Role: 'Standby', Zone: primary.zone },
    ],
    IsSupportTDE: 0,
    DBEngine: 'postgresql',
    DBEngineConfig: '',
    NetworkAccessList: null,
    SupportIpv6: 0,
    ExpandedCpu: 0,
    DeletionProtection: state.primaryDeletionProtection(primary.id),
    DBInstanceStorageType: 'CLOUD_SSD',
  };
};

const NET_STATUS: Record<ReplicaStatus, string> = {
  applying: 'initing',
  initing: 'initing',
  running: 'opened',
  isolating: 'closed',
  isolated: 'closed',
  disisolating: 'closed',
  offlining: 'closed',
  offline: 'closed',
};

/** When the replica was isolated, for `IsolatedTime` (a failed provisioning counts from its end). */
const isolatedTime = (replica: ReplicaRecord, status: ReplicaStatus): string => {
  if (replica.removal && status !== 'isolating') return tencentTime(replica.removal.isolatedAt);
  if (
    replica.outcome === 'isolated' &&
    replica.settlesAt !== null &&
    status !== 'applying' &&
    status !== 'initing'
  ) {
    return tencentTime(replica.settlesAt);
  }
  return ZERO_TIME;
};

/** When the replica went offline, or is due to (recycle-bin expiry), for `OfflineTime`. */
const offlineTime = (replica: ReplicaRecord): string => {
  const at = replica.destroy?.offlineAt ?? replica.removal?.offlineAt;
  return at === undefined ? ZERO_TIME : tencentTime(at);
};

/** The last moment the replica's status changed, for `UpdateTime`. */
const updatedAt = (replica: ReplicaRecord, status: ReplicaStatus, now: number): number => {
  switch (status) {
    case 'applying':
      return replica.createdAt;
    case 'initing':
      return replica.initingAt;
    case 'isolating':
      return replica.removal?.isolatingAt ?? now;
    case 'isolated':
      return replica.removal?.isolatedAt ?? replica.settlesAt ?? now;
    case 'offlining':
      return replica.destroy?.requestedAt ?? now;
    case 'offline':
      return replica.destroy?.offlineAt ?? replica.removal?.offlineAt ?? now;
    case 'disisolating':
      return replica.disisolatingUntil ?? now;
    case 'running':
      return Math.max(replica.settlesAt ?? now, replica.disisolatingUntil ?? 0);
  }
};

/** A replica as a `DBInstance`, with status, network and times computed for `now`. */
export const replicaView = (
  state: EmulatorState,
  replica: ReplicaRecord,
  now: number,
): Record<string, unknown> => {
  const status = replicaStatus(replica, now);
  const netStatus = NET_STATUS[status];
  return {
    Region: replica.region,
    Zone: replica.zone,
    VpcId: replica.vpcId,
    SubnetId: replica.subnetId,
    DBInstanceId: replica.id,
    DBInstanceName: replica.name,
    DBInstanceStatus: status,
    DBInstanceMemory: Math.round(replica.memoryMb / 1024),
    DBInstanceStorage: replica.storageGb,
    DBInstanceCpu: replica.cpu,
    DBInstanceClass: replica.specCode,
    DBMajorVersion: majorVersionOf(replica.version),
    DBVersion: replica.version,
    DBKernelVersion: `v${replica.version}_r1.0`,
    DBInstanceType: 'readonly',
    DBInstanceVersion: 'standard',
    DBCharset: 'UTF8',
    CreateTime: tencentTime(replica.createdAt),
    UpdateTime: tencentTime(updatedAt(replica, status, now)),
    ExpireTime:
      replica.chargeType === 'PREPAID'
        ? tencentTime(addMonths(replica.createdAt, replica.periodMonths))
        : ZERO_TIME,
    IsolatedTime: isolatedTime(replica, status),
    PayType: payType(replica.chargeType),
    AutoRenew: replica.autoRenew,
    DBInstanceNetInfo: [
      netInfo(status === 'applying' ? '' : replica.privateIp, netStatus, replica.vpcId, replica.subnetId),
    ],
    Type: 'TS85',
    AppId: state.world.account.appId,
    Uid: state.world.account.uid,
    ProjectId: replica.projectId,
    TagList: replica.tags,
    MasterDBInstanceId: replica.primaryId,
    ReadOnlyInstanceNum: 0,
    StatusInReadonlyGroup: status,
    OfflineTime: offlineTime(replica),
    DBNodeSet: null,
    IsSupportTDE: 0,
    DBEngine: 'postgresql',
    DBEngineConfig: '',
    NetworkAccessList: null,
    SupportIpv6: replica.supportIpv6 ? 1 : 0,
    ExpandedCpu: 0,
    DeletionProtection: replica.deletionProtection,
    DBInstanceStorageType: 'CLOUD_SSD',
  };
};
