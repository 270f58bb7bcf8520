import type { DBInstance } from 'tencentcloud-sdk-nodejs/tencentcloud/services/postgres/v20170312/postgres_models.js';
import type { ReplicaInstance } from '#shared/domain/request-record.ts';

/** Statuses after which a replica will never run (Terraform's provider treats them the same way). */
const FAILED_STATUSES = new Set(['isolating', 'isolated', 'recycling', 'recycled', 'offlining', 'offline']);

export const isRunning = (instance: DBInstance): boolean => instance.DBInstanceStatus === 'running';
export const hasFailed = (instance: DBInstance): boolean =>
  FAILED_STATUSES.has(instance.DBInstanceStatus ?? '');

/** The replica as the webhook shows it: the private (VPC) address once Tencent has assigned one. */
export const toReplicaInstance = (instance: DBInstance): ReplicaInstance => {
  const privateNet = instance.DBInstanceNetInfo?.find(
    (net) => (net.NetType === 'private' || net.NetType === 'inner') && net.Ip,
  );
  return {
    instanceId: instance.DBInstanceId ?? '',
    status: instance.DBInstanceStatus ?? 'unknown',
    ...(privateNet?.Ip ? { privateIp: privateNet.Ip } : {}),
    ...(privateNet?.Port ? { port: privateNet.Port } : {}),
  };
};
