import type { RuntimeEnvironment } from '#shared/config/runtime-config.ts';
import type { Policy } from '#shared/domain/policy.ts';

/** The policy file (POLICY_FILE); only ingest and validate read it, and only they load the YAML parser. */
export const policyFrom = async (env: RuntimeEnvironment): Promise<Policy> => {
  const { loadPolicy } = await import('#shared/domain/policy-loader.ts');
  return loadPolicy(env.POLICY_FILE);
};
