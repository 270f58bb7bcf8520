import type {
  CreateReadOnlyDBInstanceRequest,
  CreateReadOnlyDBInstanceResponse,
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
  DescribeZonesRequest,
  DescribeZonesResponse,
  InquiryPriceCreateDBInstancesRequest,
  InquiryPriceCreateDBInstancesResponse,
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
}
