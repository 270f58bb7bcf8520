import type { Dependencies } from '#shared/config/dependencies.ts';
import { lambdaDependencies } from '#shared/config/lambda-dependencies.ts';
import { policyFrom } from '#shared/config/policy-adapter-builder.ts';
import { consumerPorts, type PortBuilders } from '#shared/config/ports.ts';
import { tencentFrom } from '#shared/config/tencent-adapter-builder.ts';

/**
 * What the validate function uses: `validateRequest`'s ports (the store is also the cooldown markers),
 * the alert settings (a queued CloudWatch alarm's callback URL), and what every queue consumer takes.
 */
export type ValidateFunctionDependencies = Pick<
  Dependencies,
  | 'store'
  | 'queue'
  | 'tencent'
  | 'clock'
  | 'policy'
  | 'settings'
  | 'alerts'
  | 'deadLetters'
  | 'metrics'
  | 'tracing'
>;

/** The adapters validate builds with their own lazy builders. */
export type ValidateAdapters = Pick<Dependencies, 'tencent' | 'policy'>;

/** The validate function's wiring, from Lambda's port builders or the local stack's. */
export const validateDependencies = (
  ports: PortBuilders,
  adapters: ValidateAdapters,
): ValidateFunctionDependencies => {
  const { alerts } = ports.ingress();
  return {
    ...consumerPorts(ports),
    store: ports.store(),
    clock: ports.clock,
    ...(alerts ? { alerts } : {}),
    tencent: adapters.tencent,
    policy: adapters.policy,
  };
};

export const lambdaValidateDependencies = lambdaDependencies(async (ports) =>
  validateDependencies(ports, {
    tencent: await ports.tencent(tencentFrom),
    policy: await ports.policy(policyFrom),
  }),
);
