import type {
  AddDBInstanceToReadOnlyGroupRequest,
  AddDBInstanceToReadOnlyGroupResponse,
  CreateReadOnlyDBInstanceRequest,
  CreateReadOnlyDBInstanceResponse,
  CreateReadOnlyGroupRequest,
  CreateReadOnlyGroupResponse,
  DeleteReadOnlyGroupRequest,
  DeleteReadOnlyGroupResponse,
  DescribeClassesRequest,
  DescribeClassesResponse,
  DescribeDBInstanceAttributeRequest,
  DescribeDBInstanceAttributeResponse,
  DescribeDBInstancesRequest,
  DescribeDBInstancesResponse,
  DescribeOrdersRequest,
  DescribeOrdersResponse,
  DescribeReadOnlyGroupsRequest,
  DescribeReadOnlyGroupsResponse,
  DescribeTasksRequest,
  DescribeTasksResponse,
  DescribeZonesRequest,
  DescribeZonesResponse,
  DestroyDBInstanceRequest,
  DestroyDBInstanceResponse,
  DisIsolateDBInstancesRequest,
  DisIsolateDBInstancesResponse,
  InquiryPriceCreateDBInstancesRequest,
  InquiryPriceCreateDBInstancesResponse,
  IsolateDBInstancesRequest,
  IsolateDBInstancesResponse,
  ModifyDBInstanceDeletionProtectionRequest,
  ModifyDBInstanceDeletionProtectionResponse,
  ModifyReadOnlyGroupConfigRequest,
  ModifyReadOnlyGroupConfigResponse,
  RemoveDBInstanceFromReadOnlyGroupRequest,
  RemoveDBInstanceFromReadOnlyGroupResponse,
} from 'tencentcloud-sdk-nodejs/tencentcloud/services/postgres/v20170312/postgres_models.js';

/**
 * The Tencent Cloud PostgreSQL calls replica-flow makes, in the SDK's own models. The adapter
 * (`shared/adapters/tencent/`) translates every failure into a `TencentApiError` whose `kind`
 * says what may be done next. `region` is per call: one client serves every region.
 */
export interface TencentPostgres {
  createReadOnlyDBInstance(
    region: string,
    request: CreateReadOnlyDBInstanceRequest,
  ): Promise<CreateReadOnlyDBInstanceResponse>;
  describeOrders(region: string, request: DescribeOrdersRequest): Promise<DescribeOrdersResponse>;
  describeDBInstances(
    region: string,
    request: DescribeDBInstancesRequest,
  ): Promise<DescribeDBInstancesResponse>;
  describeDBInstanceAttribute(
    region: string,
    request: DescribeDBInstanceAttributeRequest,
  ): Promise<DescribeDBInstanceAttributeResponse>;
  describeZones(region: string, request: DescribeZonesRequest): Promise<DescribeZonesResponse>;
  describeClasses(region: string, request: DescribeClassesRequest): Promise<DescribeClassesResponse>;
  describeReadOnlyGroups(
    region: string,
    request: DescribeReadOnlyGroupsRequest,
  ): Promise<DescribeReadOnlyGroupsResponse>;
  /** Prices are in fen (1/100 of `Currency`); the charge type is spelled `POSTPAID`, not `POSTPAID_BY_HOUR`. */
  inquiryPriceCreateDBInstances(
    region: string,
    request: InquiryPriceCreateDBInstancesRequest,
  ): Promise<InquiryPriceCreateDBInstancesResponse>;

  describeTasks(region: string, request: DescribeTasksRequest): Promise<DescribeTasksResponse>;

  // The fleet actions (issue #14). None has a client token: each is retried only after reading back
  // Tencent's state. Every instance-changing one goes through `removal-safety.ts` first.
  /** No client token: a re-sent create after an unknown outcome may make a second group. */
  createReadOnlyGroup(
    region: string,
    request: CreateReadOnlyGroupRequest,
  ): Promise<CreateReadOnlyGroupResponse>;
  addDBInstanceToReadOnlyGroup(
    region: string,
    request: AddDBInstanceToReadOnlyGroupRequest,
  ): Promise<AddDBInstanceToReadOnlyGroupResponse>;
  removeDBInstanceFromReadOnlyGroup(
    region: string,
    request: RemoveDBInstanceFromReadOnlyGroupRequest,
  ): Promise<RemoveDBInstanceFromReadOnlyGroupResponse>;
  modifyReadOnlyGroupConfig(
    region: string,
    request: ModifyReadOnlyGroupConfigRequest,
  ): Promise<ModifyReadOnlyGroupConfigResponse>;
  deleteReadOnlyGroup(
    region: string,
    request: DeleteReadOnlyGroupRequest,
  ): Promise<DeleteReadOnlyGroupResponse>;
  modifyDBInstanceDeletionProtection(
    region: string,
    request: ModifyDBInstanceDeletionProtectionRequest,
  ): Promise<ModifyDBInstanceDeletionProtectionResponse>;
  /** Moves the instance to the recycle bin (`isolating` → `isolated`); one id per call. */
  isolateDBInstances(region: string, request: IsolateDBInstancesRequest): Promise<IsolateDBInstancesResponse>;
  disIsolateDBInstances(
    region: string,
    request: DisIsolateDBInstancesRequest,
  ): Promise<DisIsolateDBInstancesResponse>;
  /** Irreversible; only an `isolated` instance. Tencent allows 50/s (the others 100/s). */
  destroyDBInstance(region: string, request: DestroyDBInstanceRequest): Promise<DestroyDBInstanceResponse>;
}
