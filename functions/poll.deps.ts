import type { Dependencies } from '#shared/config/dependencies.ts';
import { lambdaDependencies } from '#shared/config/lambda-dependencies.ts';
import { policyFrom } from '#shared/config/policy-adapter-builder.ts';
import type { PortBuilders } from '#shared/config/ports.ts';
import { tencentFrom } from '#shared/config/tencent-adapter-builder.ts';

/**
 * What the poll function uses: `pollInFlight`'s, `stepScaleIn`'s (the policy: `scaleIn`, the minimum)
 * and `markDeadLetters`' ports, settings and telemetry.
 */
export type PollFunctionDependencies = Pick<
  Dependencies,
  'store' | 'queue' | 'tencent' | 'clock' | 'policy' | 'settings' | 'deadLetters' | 'metrics' | 'tracing'
>;

/** The poll function's wiring, from Lambda's port builders or the local stack's. */
export const pollDependencies = (
  ports: PortBuilders,
  tencent: Dependencies['tencent'],
  policy: Dependencies['policy'],
): PollFunctionDependencies => ({
  store: ports.store(),
  queue: ports.queue(),
  tencent,
  policy,
  clock: ports.clock,
  settings: ports.settings,
  ...ports.deadLetters(),
  ...ports.telemetry(),
});

export const lambdaPollDependencies = lambdaDependencies(async (ports) =>
  pollDependencies(ports, await ports.tencent(tencentFrom), await ports.policy(policyFrom)),
);
