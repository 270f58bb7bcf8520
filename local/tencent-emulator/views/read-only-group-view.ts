import { createHash } from 'node:crypto';
import type { EmulatorState, GroupView } from '#local/tencent-emulator/state/emulator-state.ts';
import { isListed, replicaStatus } from '#local/tencent-emulator/state/lifecycle.ts';
import { replicaView } from '#local/tencent-emulator/views/db-instance-view.ts';
import type { WorldPrimary } from '#local/tencent-emulator/world/world-schema.ts';

/** A stable private address for a group's read-only endpoint, derived from its id. */
const groupIp = (groupId: string): string => {
  const [a = 0, b = 0] = createHash('sha256').update(groupId).digest();
  return `10.250.${a}.${Math.max(b, 2)}`;
};

/** A read-only group as `ReadOnlyGroup`: its listed members, `creating` until they all run. */
export const readOnlyGroupView = (
  state: EmulatorState,
  group: GroupView,
  primary: WorldPrimary,
  now: number,
): Record<string, unknown> => {
  const members = state
    .replicasOf(primary.id)
    .filter((replica) => replica.readOnlyGroupId === group.id && isListed(replica, now));
  const settling = state
    .replicasOf(primary.id)
    .some(
      (replica) =>
        replica.readOnlyGroupId === group.id && ['applying', 'initing'].includes(replicaStatus(replica, now)),
    );
  return {
    ReadOnlyGroupId: group.id,
    ReadOnlyGroupName: group.name,
    ProjectId: primary.projectId,
    MasterDBInstanceId: primary.id,
    MinDelayEliminateReserve: 1,
    MaxReplayLatency: 512,
    ReplayLatencyEliminate: 1,
    MaxReplayLag: 30,
    ReplayLagEliminate: 1,
    VpcId: primary.vpcId,
    SubnetId: primary.subnetId,
    Region: primary.region,
    Zone: primary.zone,
    Status: settling ? 'creating' : 'ok',
    ReadOnlyDBInstanceList: members.map((replica) => replicaView(state, replica, now)),
    Rebalance: 0,
    DBInstanceNetInfo: [
      {
        Address: '',
        Ip: groupIp(group.id),
        Port: 5432,
        NetType: 'private',
        Status: 'opened',
        VpcId: primary.vpcId,
        SubnetId: primary.subnetId,
        ProtocolType: 'postgresql',
      },
    ],
    NetworkAccessList: null,
  };
};
