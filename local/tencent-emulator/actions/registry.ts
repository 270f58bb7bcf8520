import type { ActionDefinition } from '#local/tencent-emulator/actions/action.ts';
import { addDBInstanceToReadOnlyGroup } from '#local/tencent-emulator/actions/add-db-instance-to-read-only-group.ts';
import { createReadOnlyDBInstance } from '#local/tencent-emulator/actions/create-read-only-db-instance.ts';
import { createReadOnlyGroup } from '#local/tencent-emulator/actions/create-read-only-group.ts';
import { deleteReadOnlyGroup } from '#local/tencent-emulator/actions/delete-read-only-group.ts';
import { describeClasses } from '#local/tencent-emulator/actions/describe-classes.ts';
import { describeDBInstanceAttribute } from '#local/tencent-emulator/actions/describe-db-instance-attribute.ts';
import { describeDBInstances } from '#local/tencent-emulator/actions/describe-db-instances.ts';
import { describeOrders } from '#local/tencent-emulator/actions/describe-orders.ts';
import { describeReadOnlyGroups } from '#local/tencent-emulator/actions/describe-read-only-groups.ts';
import { describeTasks } from '#local/tencent-emulator/actions/describe-tasks.ts';
import { describeZones } from '#local/tencent-emulator/actions/describe-zones.ts';
import { destroyDBInstance } from '#local/tencent-emulator/actions/destroy-db-instance.ts';
import { disIsolateDBInstances } from '#local/tencent-emulator/actions/dis-isolate-db-instances.ts';
import { inquiryPriceCreateDBInstances } from '#local/tencent-emulator/actions/inquiry-price-create-db-instances.ts';
import { isolateDBInstances } from '#local/tencent-emulator/actions/isolate-db-instances.ts';
import { modifyDBInstanceDeletionProtection } from '#local/tencent-emulator/actions/modify-db-instance-deletion-protection.ts';
import { modifyReadOnlyGroupConfig } from '#local/tencent-emulator/actions/modify-read-only-group-config.ts';
import { removeDBInstanceFromReadOnlyGroup } from '#local/tencent-emulator/actions/remove-db-instance-from-read-only-group.ts';

/** The actions the emulator implements, by name. */
export const ACTIONS: ReadonlyMap<string, ActionDefinition> = new Map<string, ActionDefinition>(
  [
    createReadOnlyDBInstance,
    describeOrders,
    describeDBInstances,
    describeDBInstanceAttribute,
    describeZones,
    describeClasses,
    describeReadOnlyGroups,
    inquiryPriceCreateDBInstances,
    createReadOnlyGroup,
    addDBInstanceToReadOnlyGroup,
    removeDBInstanceFromReadOnlyGroup,
    modifyReadOnlyGroupConfig,
    deleteReadOnlyGroup,
    describeTasks,
    modifyDBInstanceDeletionProtection,
    isolateDBInstances,
    disIsolateDBInstances,
    destroyDBInstance,
  ].map((action) => [action.name, action as ActionDefinition]),
);
