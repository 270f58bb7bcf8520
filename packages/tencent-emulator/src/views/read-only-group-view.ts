import { createHash } from 'node:crypto';
import type { EmulatorState, GroupView } from '#emulator/state/emulator-state.ts';
import { DEFAULT_GROUP_CONFIG, groupStatus, membersOf } from '#emulator/state/group-lifecycle.ts';
import { replicaView } from '#emulator/views/db-instance-view.ts';
import type { WorldPrimary } from '#emulator/world/world-schema.ts';

/** A stable private address for a group's read-only endpoint, derived from its id. */
const groupIp = (groupId: string): string => {
  const [a = 0, b = 0] = createHash('sha256').update(groupId).digest();
  return `10.250.${a}.${Math.max(b, 2)}`;
};

/** A read-only group as `ReadOnlyGroup`: its listed members now, and its status (see `groupStatus`). */
export const readOnlyGroupView = (
  state: EmulatorState,
  group: GroupView,
  primary: WorldPrimary,
  now: number,
): Record<string, unknown> => {
  const members = membersOf(state, group, now);
  const config = group.config ?? DEFAULT_GROUP_CONFIG;
  return {
    ReadOnlyGroupId: group.id,
    ReadOnlyGroupName: group.name,
    ProjectId: group.projectId ?? primary.projectId,
    MasterDBInstanceId: primary.id,
    MinDelayEliminateReserve: config.minDelayEliminateReserve,
    MaxReplayLatency: config.maxReplayLatency,
    ReplayLatencyEliminate: config.replayLatencyEliminate,
    MaxReplayLag: config.maxReplayLag,
    ReplayLagEliminate: config.replayLagEliminate,
    VpcId: primary.vpcId,
    SubnetId: primary.subnetId,
    Region: primary.region,
    Zone: primary.zone,
    Status: groupStatus(state, group, now),
    ReadOnlyDBInstanceList: members.map((replica) => replicaView(state, replica, now)),
    Rebalance: config.rebalance,
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
