import { setTimeout as sleep } from 'node:timers/promises';
import type { RunningEmulator } from '@replica-flow/tencent-emulator/server.ts';
import { DEPLOYMENT_TAG_KEY } from '#shared/domain/deployment-identity.ts';
import { REQUEST_TAG_KEY } from '#shared/domain/idempotency.ts';
import type { TencentPostgres } from '#shared/ports/tencent-postgres.ts';

/** Where the chaos run's foreign replicas live: beside replica-flow's own, on its busiest primary. */
const FOREIGN_REPLICA = {
  Zone: 'ap-beijing-4',
  MasterDBInstanceId: 'postgres-abcdef',
  SpecCode: 'pg.it.small2',
  Storage: 100,
  InstanceCount: 1,
  Period: 1,
  VpcId: 'vpc-8btfafeo',
  SubnetId: 'subnet-1i9huswn',
  InstanceChargeType: 'POSTPAID_BY_HOUR',
} as const;

export interface ForeignReplicas {
  /** Made by hand in the console: no tag at all. */
  readonly untagged: string;
  /** Another deployment of replica-flow sharing the account: its request tag, its own deployment tag. */
  readonly otherDeployment: string;
  readonly ids: ReadonlySet<string>;
}

/**
 * Two replicas of `postgres-abcdef` that replica-flow did not create, made straight through the
 * Tencent API (the real SDK, as another team would) before any fault is set; answers once both run.
 */
export const createForeignReplicas = async (
  tencent: Pick<TencentPostgres, 'createReadOnlyDBInstance'>,
  emulator: RunningEmulator,
  options: { readonly runId: string; readonly timeoutMs: number },
): Promise<ForeignReplicas> => {
  const create = async (name: string, tags?: { TagKey: string; TagValue: string }[]) => {
    const answer = await tencent.createReadOnlyDBInstance('ap-beijing', {
      ...FOREIGN_REPLICA,
      Name: name,
      ...(tags ? { Tags: tags } : {}),
    });
    const id = answer.DBInstanceIdSet?.[0];
    if (!id) throw new Error(`the foreign replica ${name} got no instance id`);
    return id;
  };
  const untagged = await create(`by-hand-${options.runId}`);
  const otherDeployment = await create(`other-deployment-${options.runId}`, [
    { TagKey: REQUEST_TAG_KEY, TagValue: `r-other${options.runId}` },
    { TagKey: DEPLOYMENT_TAG_KEY, TagValue: 'replica-flow-someone-else' },
  ]);
  const ids = new Set([untagged, otherDeployment]);
  const deadline = Date.now() + options.timeoutMs;
  const running = () =>
    emulator.instances().filter((instance) => ids.has(instance.id) && instance.status === 'running').length;
  while (running() < ids.size) {
    if (Date.now() > deadline) throw new Error(`the foreign replicas ${[...ids]} did not run in time`);
    await sleep(100);
  }
  return { untagged, otherDeployment, ids };
};
