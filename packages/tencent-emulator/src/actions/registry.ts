import type { ActionDefinition } from '#emulator/actions/action.ts';
import { addDBInstanceToReadOnlyGroup } from '#emulator/actions/add-db-instance-to-read-only-group.ts';
import { createReadOnlyDBInstance } from '#emulator/actions/create-read-only-db-instance.ts';
import { createReadOnlyGroup } from '#emulator/actions/create-read-only-group.ts';
import { deleteReadOnlyGroup } from '#emulator/actions/delete-read-only-group.ts';
import { describeClasses } from '#emulator/actions/describe-classes.ts';
import { describeDBInstanceAttribute } from '#emulator/actions/describe-db-instance-attribute.ts';
import { describeDBInstances } from '#emulator/actions/describe-db-instances.ts';
import { describeOrders } from '#emulator/actions/describe-orders.ts';
import { describeReadOnlyGroups } from '#emulator/actions/describe-read-only-groups.ts';
import { describeTasks } from '#emulator/actions/describe-tasks.ts';
import { describeZones } from '#emulator/actions/describe-zones.ts';
import { destroyDBInstance } from '#emulator/actions/destroy-db-instance.ts';
import { disIsolateDBInstances } from '#emulator/actions/dis-isolate-db-instances.ts';
import { inquiryPriceCreateDBInstances } from '#emulator/actions/inquiry-price-create-db-instances.ts';
import { isolateDBInstances } from '#emulator/actions/isolate-db-instances.ts';
import { modifyDBInstanceDeletionProtection } from '#emulator/actions/modify-db-instance-deletion-protection.ts';
import { modifyReadOnlyGroupConfig } from '#emulator/actions/modify-read-only-group-config.ts';
import { removeDBInstanceFromReadOnlyGroup } from '#emulator/actions/remove-db-instance-from-read-only-group.ts';

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
