import * as z from 'zod';
import { defineAction } from '#emulator/actions/action.ts';
import { checkPurchase } from '#emulator/actions/read-only-purchase-rules.ts';
import { newBillId, newDealName, newGroupId, newReplicaId, privateIpFor } from '#emulator/state/ids.ts';
import { scheduleReplica } from '#emulator/state/lifecycle.ts';
import type { GroupRecord, OrderRecord, ReplicaRecord } from '#emulator/state/records.ts';

const tag = z.strictObject({ TagKey: z.string(), TagValue: z.string() });

/** Every field of `CreateReadOnlyDBInstanceRequest` in SDK 4.1.313, deprecated `DBVersion` included. */
const params = z.strictObject({
  Zone: z.string(),
  MasterDBInstanceId: z.string(),
  SpecCode: z.string(),
  Storage: z.int(),
  InstanceCount: z.int(),
  Period: z.int(),
  VpcId: z.string().optional(),
  SubnetId: z.string().optional(),
  InstanceChargeType: z.string().optional(),
  AutoVoucher: z.int().optional(),
  VoucherIds: z.array(z.string()).optional(),
  AutoRenewFlag: z.int().optional(),
  ProjectId: z.int().optional(),
  ActivityId: z.int().optional(),
  ReadOnlyGroupId: z.string().optional(),
  TagList: tag.optional(),
  SecurityGroupIds: z.array(z.string()).optional(),
  NeedSupportIpv6: z.int().optional(),
  Name: z.string().optional(),
  DBVersion: z.string().optional(),
  DedicatedClusterId: z.string().optional(),
  DeletionProtection: z.boolean().optional(),
  Tags: z.array(tag).optional(),
});

const uniqueReplicaId = (taken: (id: string) => boolean): string => {
  for (;;) {
    const id = newReplicaId();
    if (!taken(id)) return id;
  }
};

/**
 * CreateReadOnlyDBInstance: every rule of the seed page, then one replica, one deal and one private
 * address per instance, all in the same (given or new) read-only group. Postpaid purchases return
 * the ids at once; prepaid ones only through DescribeOrders, after the order-visibility delay.
 */
export const createReadOnlyDBInstance = defineAction({
  name: 'CreateReadOnlyDBInstance',
  params,
  handle(env, call) {
    const plan = checkPurchase(env, call);
    if (call.verifyOnly) return { DealNames: [], BillId: '', DBInstanceIdSet: [] };

    const p = call.params;
    const { state, timings } = env;
    const newGroup: GroupRecord | undefined = plan.group
      ? undefined
      : {
          id: newGroupId(),
          name: `${plan.primary.name}-ro`,
          primaryId: plan.primary.id,
          createdAt: call.now,
        };
    const groupId = plan.group?.id ?? (newGroup as GroupRecord).id;
    const billId = newBillId();
    const schedule = scheduleReplica(call.now, timings, call.provisioning);
    const replicas: ReplicaRecord[] = [];
    const orders: OrderRecord[] = [];
    const taken = new Set<string>();
    for (let i = 0; i < p.InstanceCount; i++) {
      const id = uniqueReplicaId(
        (candidate) => taken.has(candidate) || state.replica(candidate) !== undefined,
      );
      taken.add(id);
      const dealName = newDealName(call.now);
      replicas.push({
        id,
        name: plan.name,
        region: call.region,
        zone: p.Zone,
        primaryId: plan.primary.id,
        specCode: plan.spec.specCode,
        cpu: plan.spec.cpu,
        memoryMb: plan.spec.memoryMb,
        storageGb: p.Storage,
        version: plan.primary.version,
        chargeType: plan.chargeType,
        periodMonths: p.Period,
        autoRenew: p.AutoRenewFlag ?? 0,
        projectId: p.ProjectId ?? 0,
        vpcId: plan.primary.vpcId,
        subnetId: p.SubnetId ?? plan.primary.subnetId,
        securityGroupIds: p.SecurityGroupIds ? [...p.SecurityGroupIds] : [...plan.primary.securityGroupIds],
        tags: [...plan.tags],
        readOnlyGroupId: groupId,
        supportIpv6: p.NeedSupportIpv6 === 1,
        deletionProtection: p.DeletionProtection ?? false,
        privateIp: privateIpFor(state.nextSequence()),
        dealName,
        billId,
        secretId: call.secretId,
        requestId: call.requestId,
        ...schedule,
      });
      const visibleAt = call.now + timings.orderVisibleAfterMs;
      orders.push({
        dealName,
        billId,
        instanceIds: [id],
        payMode: plan.chargeType === 'PREPAID' ? 1 : 0,
        flowId: state.nextSequence(),
        region: call.region,
        createdAt: call.now,
        visibleAt,
        idsVisibleAt: visibleAt + timings.orderIdsLagMs,
      });
    }
    state.commitPurchase(newGroup ? { replicas, orders, newGroup } : { replicas, orders });
    return {
      DealNames: orders.map((o) => o.dealName),
      BillId: billId,
      DBInstanceIdSet: plan.chargeType === 'POSTPAID_BY_HOUR' ? replicas.map((r) => r.id) : [],
    };
  },
});
