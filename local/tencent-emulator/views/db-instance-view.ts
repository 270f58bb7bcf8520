import type { EmulatorState } from '#local/tencent-emulator/state/emulator-state.ts';
import { isListed, replicaStatus } from '#local/tencent-emulator/state/lifecycle.ts';
import type { ReplicaRecord } from '#local/tencent-emulator/state/records.ts';
import { addMonths, tencentTime, ZERO_TIME } from '#local/tencent-emulator/views/tencent-time.ts';
import type { WorldPrimary } from '#local/tencent-emulator/world/world-schema.ts';

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

/** Read-only instances of the primary that exist for callers: listed and not isolated. */
export const activeReadOnlyCount = (state: EmulatorState, primaryId: string, now: number): number =>
  state.replicasOf(primaryId).filter((r) => isListed(r, now) && replicaStatus(r, now) !== 'isolated').length;

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
    DeletionProtection: false,
    DBInstanceStorageType: 'CLOUD_SSD',
  };
};

/** A replica as a `DBInstance`, with status, network and times computed for `now`. */
export const replicaView = (
  state: EmulatorState,
  replica: ReplicaRecord,
  now: number,
): Record<string, unknown> => {
  const status = replicaStatus(replica, now);
  const netStatus = status === 'running' ? 'opened' : status === 'isolated' ? 'closed' : 'initing';
  const updatedAt =
    status === 'applying'
      ? replica.createdAt
      : status === 'initing'
        ? replica.initingAt
        : (replica.settlesAt ?? now);
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
    UpdateTime: tencentTime(updatedAt),
    ExpireTime:
      replica.chargeType === 'PREPAID'
        ? tencentTime(addMonths(replica.createdAt, replica.periodMonths))
        : ZERO_TIME,
    IsolatedTime:
      status === 'isolated' && replica.settlesAt !== null ? tencentTime(replica.settlesAt) : ZERO_TIME,
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
    OfflineTime: ZERO_TIME,
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
