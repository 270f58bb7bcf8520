import type {
  DBInstance,
  TaskSet as Task,
} from 'tencentcloud-sdk-nodejs/tencentcloud/services/postgres/v20170312/postgres_models.js';
import { DEPLOYMENT_TAG_KEY } from '#shared/domain/deployment-identity.ts';
import { servingReplicasOf } from '#shared/domain/replica-picker.ts';
import type { TencentPostgres } from '#shared/ports/tencent-postgres.ts';

/** The reads a removal makes right before each step: never cached, never the record's word. */

/** The instance as Tencent describes it now; undefined when Tencent does not list it. */
export const describeInstance = async (
  region: string,
  instanceId: string,
  tencent: Pick<TencentPostgres, 'describeDBInstances'>,
): Promise<DBInstance | undefined> => {
  const { DBInstanceSet = [] } = await tencent.describeDBInstances(region, {
    Filters: [{ Name: 'db-instance-id', Values: [instanceId] }],
    Limit: 1,
  });
  return DBInstanceSet.find((instance) => instance.DBInstanceId === instanceId);
};

const PAGE = 100;

/**
 * The primary's serving replicas now, as validate's picker counts them (instances carrying the
 * deployment tag key, every page): what an alert's removal checks the minimum against right before
 * a step that takes its replica out of service. Returns the count and the calls it took.
 */
export const servingReplicasNow = async (
  region: string,
  primaryId: string,
  tencent: Pick<TencentPostgres, 'describeDBInstances'>,
): Promise<{ readonly count: number; readonly calls: number }> => {
  const instances: DBInstance[] = [];
  let calls = 0;
  for (let offset = 0, total = Number.POSITIVE_INFINITY; offset < total; offset += PAGE) {
    calls += 1;
    const page = await tencent.describeDBInstances(region, {
      Filters: [{ Name: 'db-tag-key', Values: [DEPLOYMENT_TAG_KEY] }],
      Limit: PAGE,
      Offset: offset,
    });
    instances.push(...(page.DBInstanceSet ?? []));
    total = page.TotalCount ?? 0;
    if ((page.DBInstanceSet ?? []).length === 0) break;
  }
  return { count: servingReplicasOf(instances, primaryId), calls };
};

/** Tencent's largest DescribeReadOnlyGroups page. */
const GROUP_PAGE = 99;

/** The read-only group of the primary that lists the replica as a member now, if any (every page). */
export const groupOfReplica = async (
  region: string,
  primaryId: string,
  instanceId: string,
  tencent: Pick<TencentPostgres, 'describeReadOnlyGroups'>,
): Promise<string | undefined> => {
  for (let page = 1; ; page++) {
    const { ReadOnlyGroupList = [] } = await tencent.describeReadOnlyGroups(region, {
      Filters: [{ Name: 'db-master-instance-id', Values: [primaryId] }],
      PageSize: GROUP_PAGE,
      PageNumber: page,
    });
    const group = ReadOnlyGroupList.find((candidate) =>
      (candidate.ReadOnlyDBInstanceList ?? []).some((member) => member.DBInstanceId === instanceId),
    );
    if (group) return group.ReadOnlyGroupId;
    if (ReadOnlyGroupList.length < GROUP_PAGE) return undefined;
  }
};

/**
 * The replica's group-leave task: the one recorded (by id), else the newest
 * RemoveDBInstanceFromReadOnlyGroup task Tencent has for the instance that has not ended in success
 * (found after a call whose outcome was unknown). Undefined when there is none.
 */
export const runningGroupTask = async (
  region: string,
  instanceId: string,
  taskId: number | undefined,
  tencent: Pick<TencentPostgres, 'describeTasks'>,
): Promise<Task | undefined> => {
  const { TaskSet = [] } = await tencent.describeTasks(
    region,
    taskId ? { TaskId: taskId } : { DBInstanceId: instanceId, OrderBy: 'StartTime', OrderByType: 'desc' },
  );
  const leaves = TaskSet.filter(
    (task) =>
      (taskId ? task.TaskId === taskId : task.TaskType === 'RemoveDBInstanceFromReadOnlyGroup') &&
      task.DBInstanceId === instanceId,
  );
  return taskId ? leaves[0] : leaves.find((task) => task.Status !== 'Success');
};
