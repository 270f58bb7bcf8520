import type { Dependencies } from '#shared/config/dependencies.ts';
import { lambdaDependencies } from '#shared/config/lambda-dependencies.ts';
import { consumerPorts, type PortBuilders } from '#shared/config/ports.ts';
import { tencentFrom } from '#shared/config/tencent-adapter-builder.ts';

/** What the create function uses: `createReplica`'s ports, and what every queue consumer takes. */
export type CreateFunctionDependencies = Pick<
  Dependencies,
  'store' | 'queue' | 'tencent' | 'clock' | 'settings' | 'deadLetters' | 'metrics' | 'tracing'
>;

/** The create function's wiring, from Lambda's port builders or the local stack's. */
export const createDependencies = (
  ports: PortBuilders,
  tencent: Dependencies['tencent'],
): CreateFunctionDependencies => ({
  ...consumerPorts(ports),
  store: ports.store(),
  tencent,
  clock: ports.clock,
});

export const lambdaCreateDependencies = lambdaDependencies(async (ports) =>
  createDependencies(ports, await ports.tencent(tencentFrom)),
);
