import type { Dependencies } from '#shared/config/dependencies.ts';
import { lambdaDependencies } from '#shared/config/lambda-dependencies.ts';
import { policyFrom } from '#shared/config/policy-adapter-builder.ts';
import type { RuntimeEnvironment } from '#shared/config/runtime-config.ts';
import type { FunctionSecrets } from '#shared/config/secrets.ts';
import { tencentFrom } from '#shared/config/tencent-adapter-builder.ts';
import { webhooksFrom } from '#shared/config/webhook-adapter-builder.ts';

/** A deployed function's dependencies with every optional adapter built (no function has them all). */
export const dependenciesFromEnvironment = (
  env?: RuntimeEnvironment,
  secrets?: FunctionSecrets,
): Promise<Dependencies> =>
  lambdaDependencies({ tencent: tencentFrom, webhooks: webhooksFrom, policy: policyFrom })(env, secrets);
