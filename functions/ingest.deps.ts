import type { Dependencies } from '#shared/config/dependencies.ts';
import { lambdaDependencies } from '#shared/config/lambda-dependencies.ts';
import { policyFrom } from '#shared/config/policy-adapter-builder.ts';
import type { PortBuilders } from '#shared/config/ports.ts';
import type { IngressDependencies } from '#shared/ingress/routes.ts';

/** What the ingest function uses: every ingress route's ports, and telemetry. */
export type IngestFunctionDependencies = IngressDependencies & Pick<Dependencies, 'metrics' | 'tracing'>;

/** The ingest function's wiring, from Lambda's port builders or the local stack's. */
export const ingestDependencies = (
  ports: PortBuilders,
  policy: Dependencies['policy'],
): IngestFunctionDependencies => ({
  store: ports.store(),
  queue: ports.queue(),
  clock: ports.clock,
  settings: ports.settings,
  apiKeys: ports.apiKeys(),
  policy,
  ...ports.ingress(),
  sourceNotifiers: ports.sourceNotifiers(),
  ...ports.telemetry(),
});

export const lambdaIngestDependencies = lambdaDependencies(async (ports) =>
  ingestDependencies(ports, await ports.policy(policyFrom)),
);
