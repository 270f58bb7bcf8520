import type { CreateReadOnlyDBInstanceRequest } from 'tencentcloud-sdk-nodejs/tencentcloud/services/postgres/v20170312/postgres_models.js';
import { DEPLOYMENT_TAG_KEY } from '#shared/domain/deployment-identity.ts';
import { REQUEST_TAG_KEY } from '#shared/domain/idempotency.ts';
import type { ReplicaPlan } from '#shared/domain/request-record.ts';

/**
 * The CreateReadOnlyDBInstance body for a plan: the plan's parameters, the name derived from the
 * request id, the request-id tag that reconciliation searches for (DESIGN.md step 2), and the
 * deployment tag that marks the replica as this deployment's own (removal acts on nothing else).
 * The caller's own `TagList` is kept; replica-flow's tags go in `Tags`.
 */
export const createRequestParams = (
  plan: ReplicaPlan,
  requestId: string,
  instanceName: string,
  deployment: string,
): CreateReadOnlyDBInstanceRequest => {
  const { Region: _region, TagList, SecurityGroupIds, VoucherIds, ...parameters } = plan;
  return {
    ...parameters,
    ...(SecurityGroupIds ? { SecurityGroupIds: [...SecurityGroupIds] } : {}),
    ...(VoucherIds ? { VoucherIds: [...VoucherIds] } : {}),
    ...(TagList ? { TagList: { ...TagList } } : {}),
    Name: instanceName,
    Tags: [
      { TagKey: REQUEST_TAG_KEY, TagValue: requestId },
      { TagKey: DEPLOYMENT_TAG_KEY, TagValue: deployment },
    ],
  };
};
