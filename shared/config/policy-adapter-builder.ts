import type { RuntimeEnvironment } from '#shared/config/runtime-config.ts';
import type { Policy } from '#shared/domain/policy.ts';

/** The policy file (POLICY_FILE). Lazy: see docs/bundling.md#adapters-behind-their-builders */
export const policyFrom = async (env: RuntimeEnvironment): Promise<Policy> => {
  const { loadPolicy } = await import('#shared/domain/policy-loader.ts');
  return loadPolicy(env.POLICY_FILE);
};
