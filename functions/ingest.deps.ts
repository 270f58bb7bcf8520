import type { Dependencies } from '#shared/config/dependencies.ts';
import { lambdaDependencies } from '#shared/config/lambda-dependencies.ts';
import { policyFrom } from '#shared/config/policy-adapter-builder.ts';
import type { PortBuilders } from '#shared/config/ports.ts';
import { tencentReaderFrom } from '#shared/config/tencent-reader-adapter-builder.ts';
import { ConfigError } from '#shared/errors.ts';
import { checkJiraGroupApprovers } from '#shared/ingress/jira/jira-settings.ts';
import type { IngressDependencies } from '#shared/ingress/routes.ts';
import type { TencentPostgres } from '#shared/ports/tencent-postgres.ts';

/** What the ingest function uses: every ingress route's ports, and telemetry. */
export type IngestFunctionDependencies = IngressDependencies & Pick<Dependencies, 'metrics' | 'tracing'>;

/**
 * The ingest function's wiring, from Lambda's port builders or the local stack's. `tencent` reads
 * only (the fleet view); absent, the view answers from the records alone and says why. A policy
 * whose Jira approvers are groups needs the Jira directory (JIRA_BASE_URL, JIRA_API_TOKEN): else a ConfigError.
 */
export const ingestDependencies = (
  ports: PortBuilders,
  policy: Dependencies['policy'],
  tencent?: TencentPostgres,
): IngestFunctionDependencies => {
  const ingress = ports.ingress();
  checkJiraGroupApprovers(policy, ingress.jira);
  return {
    store: ports.store(),
    queue: ports.queue(),
    clock: ports.clock,
    settings: ports.settings,
    apiKeys: ports.apiKeys(),
    policy,
    ...(tencent ? { tencent } : {}),
    ...ingress,
    sourceNotifiers: ports.sourceNotifiers(),
    ...ports.telemetry(),
  };
};

/** ingest's read-only Tencent client, or none where its key was not given (it is optional). */
const tencentReader = async (ports: Parameters<Parameters<typeof lambdaDependencies>[0]>[0]) => {
  try {
    return await ports.tencent(tencentReaderFrom);
  } catch (error) {
    if (error instanceof ConfigError) return undefined;
    throw error;
  }
};

export const lambdaIngestDependencies = lambdaDependencies(async (ports) =>
  ingestDependencies(ports, await ports.policy(policyFrom), await tencentReader(ports)),
);
