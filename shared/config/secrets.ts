import { GetParametersCommand, type GetParametersCommandOutput, SSMClient } from '@aws-sdk/client-ssm';
import type { Secrets } from '#shared/config/dependencies.ts';
import { ConfigError } from '#shared/errors.ts';
import type { ApiKey } from '#shared/http/api-keys.ts';
import { parseApiKeys } from '#shared/http/api-keys.ts';

/**
 * Every secret replica-flow reads, by the environment variable that holds it locally (the local
 * stack, `serverless invoke local`). In AWS the template never carries a value: it sets
 * `<VARIABLE>_PARAMETER` to the name of an SSM Parameter Store SecureString, and each function is
 * given (and allowed to read) only the parameters it uses.
 */
export const SECRET_VARIABLES = [
  'TENCENTCLOUD_SECRET_ID',
  'TENCENTCLOUD_SECRET_KEY',
  'WEBHOOK_SIGNING_SECRET',
  'REPLICA_FLOW_API_KEYS',
  'SLACK_SIGNING_SECRET',
  'JIRA_WEBHOOK_SECRET',
  'SLACK_BOT_TOKEN',
  'SLACK_WEBHOOK_URL',
  'JIRA_API_TOKEN',
  'ALERTMANAGER_TOKEN',
  'TENCENT_MONITOR_BASIC_PASSWORD',
  'TENCENT_MONITOR_PATH_TOKEN',
  'CLOUDWATCH_API_KEY',
  'GRAFANA_HMAC_SECRET',
  'GRAFANA_TOKEN',
] as const;

export type SecretVariable = (typeof SECRET_VARIABLES)[number];
export type SecretValues = Partial<Record<SecretVariable, string>>;

/** `TENCENTCLOUD_SECRET_ID` → `TENCENTCLOUD_SECRET_ID_PARAMETER`. */
export const parameterVariableOf = (variable: SecretVariable) => `${variable}_PARAMETER` as const;

/** The one SSM call used; `SSMClient` satisfies it, tests pass a fake. */
export interface ParameterClient {
  send(command: GetParametersCommand): Promise<GetParametersCommandOutput>;
}

export interface FunctionSecrets {
  /** What the Tencent client and the webhook sender take; `''` where this function was not given one. */
  readonly secrets: Secrets;
  readonly apiKeys: readonly ApiKey[];
  /** Every secret this function was given, by variable, for settings parsed from the environment. */
  readonly values: SecretValues;
}

/** GetParameters accepts at most 10 names a call; there are fewer secret variables than that. */
const MAX_NAMES_PER_CALL = 10;

/**
 * Resolves the secrets once (call it at cold start): every `<VARIABLE>_PARAMETER` that is set names
 * an SSM SecureString, read with decryption in one GetParameters call; a variable without one falls
 * back to the plain environment variable. A named parameter that is missing, empty or not a
 * SecureString fails with a `ConfigError` naming the variable and the parameter.
 */
export const loadSecrets = async (
  env: NodeJS.ProcessEnv = process.env,
  options: { readonly client?: ParameterClient } = {},
): Promise<FunctionSecrets> => {
  const values: SecretValues = {};
  const parameterOf = new Map<SecretVariable, string>();
  for (const variable of SECRET_VARIABLES) {
    const parameter = env[parameterVariableOf(variable)]?.trim();
    if (parameter) parameterOf.set(variable, parameter);
    else if (env[variable]) values[variable] = env[variable];
  }
  if (parameterOf.size > 0) {
    const stored = await readParameters([...new Set(parameterOf.values())], options.client);
    for (const [variable, parameter] of parameterOf) {
      values[variable] = secureValueOf(stored, variable, parameter);
    }
  }
  return { values, secrets: secretsFrom(values), apiKeys: parseApiKeys(values.REPLICA_FLOW_API_KEYS) };
};

/** The `Secrets` shape; a secret this function was not given is `''` (the ports treat it as absent). */
export const secretsFrom = (values: SecretValues): Secrets => ({
  tencentSecretId: values.TENCENTCLOUD_SECRET_ID ?? '',
  tencentSecretKey: values.TENCENTCLOUD_SECRET_KEY ?? '',
  webhookSigningSecret: values.WEBHOOK_SIGNING_SECRET ?? '',
});

interface StoredParameter {
  readonly type: string | undefined;
  readonly value: string | undefined;
}

const readParameters = async (
  names: readonly string[],
  client: ParameterClient = new SSMClient({}),
): Promise<ReadonlyMap<string, StoredParameter>> => {
  if (names.length > MAX_NAMES_PER_CALL) {
    throw new ConfigError(
      `At most ${MAX_NAMES_PER_CALL} secret parameters are supported (got ${names.length})`,
    );
  }
  let output: GetParametersCommandOutput;
  try {
    output = await client.send(new GetParametersCommand({ Names: [...names], WithDecryption: true }));
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new ConfigError(`Could not read the secret parameters ${names.join(', ')} from SSM (${reason})`, {
      cause: error,
    });
  }
  return new Map(
    (output.Parameters ?? []).flatMap((parameter) =>
      parameter.Name ? [[parameter.Name, { type: parameter.Type, value: parameter.Value }] as const] : [],
    ),
  );
};

const secureValueOf = (
  stored: ReadonlyMap<string, StoredParameter>,
  variable: SecretVariable,
  parameter: string,
): string => {
  const setting = `${parameterVariableOf(variable)}=${parameter}`;
  const found = stored.get(parameter);
  if (!found) throw new ConfigError(`${setting}: no such SSM parameter`);
  if (found.type !== 'SecureString') {
    throw new ConfigError(`${setting}: the parameter is a ${found.type}; secrets must be SecureString`);
  }
  if (!found.value) throw new ConfigError(`${setting}: the parameter is empty`);
  return found.value;
};
