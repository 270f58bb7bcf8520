import type { ActionDefinition } from '#local/tencent-emulator/actions/action.ts';
import { createReadOnlyDBInstance } from '#local/tencent-emulator/actions/create-read-only-db-instance.ts';
import { describeClasses } from '#local/tencent-emulator/actions/describe-classes.ts';
import { describeDBInstanceAttribute } from '#local/tencent-emulator/actions/describe-db-instance-attribute.ts';
import { describeDBInstances } from '#local/tencent-emulator/actions/describe-db-instances.ts';
import { describeOrders } from '#local/tencent-emulator/actions/describe-orders.ts';
import { describeReadOnlyGroups } from '#local/tencent-emulator/actions/describe-read-only-groups.ts';
import { describeZones } from '#local/tencent-emulator/actions/describe-zones.ts';
import { inquiryPriceCreateDBInstances } from '#local/tencent-emulator/actions/inquiry-price-create-db-instances.ts';

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
  ].map((action) => [action.name, action as ActionDefinition]),
);
