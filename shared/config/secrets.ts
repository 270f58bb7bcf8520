import type { GetParametersCommand, GetParametersCommandOutput } from '@aws-sdk/client-ssm';
import type { Secrets } from '#shared/config/dependencies.ts';
import { ConfigError } from '#shared/errors.ts';
import type { ApiKey } from '#shared/http/api-keys.ts';
import { parseApiKeys } from '#shared/http/api-keys.ts';
import { sourceSecretVariables } from '#shared/ingress/sources.ts';
import { logger } from '#shared/logger.ts';
import { chunk } from '#shared/util/chunk.ts';

/**
 * Every secret replica-flow reads, by the environment variable that holds it locally (the local
 * stack, `serverless invoke local`). In AWS the template never carries a value: it sets
 * `<VARIABLE>_PARAMETER` to the name of an SSM Parameter Store SecureString, and each function is
 * given (and allowed to read) only the parameters it uses.
 */
export const SECRET_VARIABLES: readonly string[] = [
  'TENCENTCLOUD_SECRET_ID',
  'TENCENTCLOUD_SECRET_KEY',
  'WEBHOOK_SIGNING_SECRET',
  'REPLICA_FLOW_API_KEYS',
  // ingest's read-only CAM key (the fleet view); optional: absent, the view answers from the records.
  'TENCENTCLOUD_READER_SECRET_ID',
  'TENCENTCLOUD_READER_SECRET_KEY',
  // Each trigger source's (shared/ingress/<source>/source.deploy.json, registered in sources.ts).
  ...sourceSecretVariables().filter((variable) => variable !== 'REPLICA_FLOW_API_KEYS'),
];

export type SecretVariable = string;
export type SecretValues = Partial<Record<SecretVariable, string>>;

/**
 * The workflow's own secrets: a function given the name of one of these must find it. Every other
 * secret belongs to a source a stage may not use (Slack, Jira, an alert source): when its named
 * parameter does not exist, the secret stays unset and that source stays off (its route answers 401).
 */
export const CORE_SECRET_VARIABLES: ReadonlySet<SecretVariable> = new Set([
  'TENCENTCLOUD_SECRET_ID',
  'TENCENTCLOUD_SECRET_KEY',
  'WEBHOOK_SIGNING_SECRET',
  'REPLICA_FLOW_API_KEYS',
]);

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
  /** Named parameters of source secrets that do not exist (those sources are off). Names only. */
  readonly absent: readonly string[];
}

/** GetParameters accepts at most 10 names a call. */
const MAX_NAMES_PER_CALL = 10;

/**
 * Resolves the secrets once (call it at cold start): every `<VARIABLE>_PARAMETER` that is set names
 * an SSM SecureString, read with decryption by GetParameters (one call per 10 names); a variable
 * without one falls back to the plain environment variable. A named parameter that is empty or not
 * a SecureString, or a missing one of a core secret, fails with a `ConfigError` naming the variable
 * and the parameter; a missing source secret is left unset (and logged, by name).
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
  const absent: string[] = [];
  if (parameterOf.size > 0) {
    const stored = await readParameters([...new Set(parameterOf.values())], options.client);
    for (const [variable, parameter] of parameterOf) {
      const value = secureValueOf(stored, variable, parameter);
      if (value === undefined) absent.push(parameter);
      else values[variable] = value;
    }
  }
  if (absent.length > 0) {
    logger.info('source secret parameters not found; those sources are off', { parameters: absent });
  }
  return {
    values,
    secrets: secretsFrom(values),
    apiKeys: parseApiKeys(values.REPLICA_FLOW_API_KEYS),
    absent,
  };
};

/**
 * The `Secrets` shape; a secret this function was not given is `''` (the ports treat it as absent).
 * Tencent: the workflow's key, else the read-only one (ingest is given only that).
 */
export const secretsFrom = (values: SecretValues): Secrets => ({
  tencentSecretId: values.TENCENTCLOUD_SECRET_ID ?? values.TENCENTCLOUD_READER_SECRET_ID ?? '',
  tencentSecretKey: values.TENCENTCLOUD_SECRET_KEY ?? values.TENCENTCLOUD_READER_SECRET_KEY ?? '',
  webhookSigningSecret: values.WEBHOOK_SIGNING_SECRET ?? '',
});

interface StoredParameter {
  readonly type: string | undefined;
  readonly value: string | undefined;
}

/** Reads the named parameters. Lazy: see docs/bundling.md#the-ssm-client-when-a-parameter-is-read */
const readParameters = async (
  names: readonly string[],
  given?: ParameterClient,
): Promise<ReadonlyMap<string, StoredParameter>> => {
  const { GetParametersCommand, SSMClient } = await import('@aws-sdk/client-ssm');
  const client = given ?? new SSMClient({});
  const stored = new Map<string, StoredParameter>();
  for (const batch of chunk(names, MAX_NAMES_PER_CALL)) {
    let output: GetParametersCommandOutput;
    try {
      output = await client.send(new GetParametersCommand({ Names: [...batch], WithDecryption: true }));
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new ConfigError(`Could not read the secret parameters ${batch.join(', ')} from SSM (${reason})`, {
        cause: error,
      });
    }
    for (const parameter of output.Parameters ?? []) {
      if (parameter.Name) stored.set(parameter.Name, { type: parameter.Type, value: parameter.Value });
    }
  }
  return stored;
};

const secureValueOf = (
  stored: ReadonlyMap<string, StoredParameter>,
  variable: SecretVariable,
  parameter: string,
): string | undefined => {
  const setting = `${parameterVariableOf(variable)}=${parameter}`;
  const found = stored.get(parameter);
  if (!found) {
    if (!CORE_SECRET_VARIABLES.has(variable)) return undefined;
    throw new ConfigError(`${setting}: no such SSM parameter`);
  }
  if (found.type !== 'SecureString') {
    throw new ConfigError(`${setting}: the parameter is a ${found.type}; secrets must be SecureString`);
  }
  if (!found.value) throw new ConfigError(`${setting}: the parameter is empty`);
  return found.value;
};
