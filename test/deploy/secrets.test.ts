import {
  type GetParametersCommand,
  type GetParametersCommandOutput,
  ParameterType,
  type Parameter as SsmParameter,
} from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { lambdaCreateDependencies } from '#functions/create.deps.ts';
import { lambdaIngestDependencies } from '#functions/ingest.deps.ts';
import { lambdaNotifyDependencies } from '#functions/notify.deps.ts';
import { lambdaPollDependencies } from '#functions/poll.deps.ts';
import { lambdaValidateDependencies } from '#functions/validate.deps.ts';
import { readRuntimeEnvironment } from '#shared/config/runtime-config.ts';
import { loadSecrets, type ParameterClient, SECRET_VARIABLES } from '#shared/config/secrets.ts';
import { ConfigError } from '#shared/errors.ts';
import { authenticateBearer } from '#shared/http/api-keys.ts';
import { lambdaHandler } from '#shared/runtime/lambda-handler.ts';
import { lambdaContext } from '#test/fixtures/lambda-context.ts';

/** A fake of the one SSM call the loader makes (GetParameters), recording every call. */
class FakeParameterStore implements ParameterClient {
  readonly calls: { names: string[]; withDecryption: boolean | undefined }[] = [];

  constructor(private readonly parameters: Record<string, { value: string; type?: ParameterType }>) {}

  async send(command: GetParametersCommand): Promise<GetParametersCommandOutput> {
    const names = command.input.Names ?? [];
    // As SSM does: GetParameters takes 1–10 names.
    if (names.length < 1 || names.length > 10) throw new Error(`ValidationException: ${names.length} names`);
    this.calls.push({ names: [...names], withDecryption: command.input.WithDecryption });
    const found: SsmParameter[] = [];
    const invalid: string[] = [];
    for (const name of names) {
      const stored = this.parameters[name];
      if (!stored) invalid.push(name);
      else found.push({ Name: name, Value: stored.value, Type: stored.type ?? ParameterType.SECURE_STRING });
    }
    return { Parameters: found, InvalidParameters: invalid, $metadata: {} };
  }
}

const PATH = '/replica-flow/prod';
const STORED = {
  [`${PATH}/tencent/secret-id`]: { value: 'AKIDfromSsm000000000000000000000000' },
  [`${PATH}/tencent/secret-key`]: { value: 'keyFromSsm000000000000000000000000' },
  [`${PATH}/webhook/signing-secret`]: { value: 'whsec_ZnJvbS1zc20tc2lnbmluZy1zZWNyZXQtMzItYnl0ZXM=' },
  [`${PATH}/api-keys`]: { value: 'platform:key-from-ssm-0123456789,alertmanager:alert-key-0123456789' },
  [`${PATH}/slack/signing-secret`]: { value: 'slack-signing-secret-from-ssm' },
};

describe('loadSecrets', () => {
  it('reads every named parameter in one decrypted GetParameters call and maps it to Secrets and API keys', async () => {
    const store = new FakeParameterStore(STORED);
    const loaded = await loadSecrets(
      {
        TENCENTCLOUD_SECRET_ID_PARAMETER: `${PATH}/tencent/secret-id`,
        TENCENTCLOUD_SECRET_KEY_PARAMETER: `${PATH}/tencent/secret-key`,
        WEBHOOK_SIGNING_SECRET_PARAMETER: `${PATH}/webhook/signing-secret`,
        REPLICA_FLOW_API_KEYS_PARAMETER: `${PATH}/api-keys`,
        SLACK_SIGNING_SECRET_PARAMETER: `${PATH}/slack/signing-secret`,
      },
      { client: store },
    );

    expect(store.calls).toHaveLength(1);
    expect(store.calls[0]?.withDecryption).toBe(true);
    expect(store.calls[0]?.names.sort()).toEqual(
      [
        `${PATH}/api-keys`,
        `${PATH}/slack/signing-secret`,
        `${PATH}/tencent/secret-id`,
        `${PATH}/tencent/secret-key`,
        `${PATH}/webhook/signing-secret`,
      ].sort(),
    );
    expect(loaded.secrets).toEqual({
      tencentSecretId: 'AKIDfromSsm000000000000000000000000',
      tencentSecretKey: 'keyFromSsm000000000000000000000000',
      webhookSigningSecret: 'whsec_ZnJvbS1zc20tc2lnbmluZy1zZWNyZXQtMzItYnl0ZXM=',
    });
    expect(loaded.values.SLACK_SIGNING_SECRET).toBe('slack-signing-secret-from-ssm');
    expect(loaded.apiKeys.map((key) => key.name)).toEqual(['platform', 'alertmanager']);
    expect(authenticateBearer('Bearer alert-key-0123456789', loaded.apiKeys).name).toBe('alertmanager');
  });

  it('falls back to the plain variables without calling SSM when no *_PARAMETER is set (local stack, invoke local)', async () => {
    const store = new FakeParameterStore({});
    const loaded = await loadSecrets(
      {
        TENCENTCLOUD_SECRET_ID: 'AKIDplain0000000000000000000000000',
        TENCENTCLOUD_SECRET_KEY: 'plainKey000000000000000000000000',
        WEBHOOK_SIGNING_SECRET: 'whsec_cGxhaW4tc2lnbmluZy1zZWNyZXQtMzItYnl0ZXMhIQ==',
        REPLICA_FLOW_API_KEYS: 'local-dev:rf_local_0123456789abcdef',
        // An empty parameter name counts as absent.
        WEBHOOK_SIGNING_SECRET_PARAMETER: '  ',
      },
      { client: store },
    );

    expect(store.calls).toEqual([]);
    expect(loaded.secrets.tencentSecretId).toBe('AKIDplain0000000000000000000000000');
    expect(loaded.secrets.webhookSigningSecret).toBe('whsec_cGxhaW4tc2lnbmluZy1zZWNyZXQtMzItYnl0ZXMhIQ==');
    expect(loaded.apiKeys.map((key) => key.name)).toEqual(['local-dev']);
  });

  it('prefers the named parameter over a plain variable of the same secret', async () => {
    const loaded = await loadSecrets(
      { TENCENTCLOUD_SECRET_ID: 'AKIDplain', TENCENTCLOUD_SECRET_ID_PARAMETER: `${PATH}/tencent/secret-id` },
      { client: new FakeParameterStore(STORED) },
    );

    expect(loaded.secrets.tencentSecretId).toBe('AKIDfromSsm000000000000000000000000');
  });

  it('leaves the secrets a function was not given empty, so its role need not read them', async () => {
    const store = new FakeParameterStore(STORED);
    const loaded = await loadSecrets(
      { WEBHOOK_SIGNING_SECRET_PARAMETER: `${PATH}/webhook/signing-secret` },
      { client: store },
    );

    expect(store.calls[0]?.names).toEqual([`${PATH}/webhook/signing-secret`]);
    expect(loaded.secrets).toEqual({
      tencentSecretId: '',
      tencentSecretKey: '',
      webhookSigningSecret: 'whsec_ZnJvbS1zc20tc2lnbmluZy1zZWNyZXQtMzItYnl0ZXM=',
    });
    expect(loaded.apiKeys).toEqual([]);
  });

  it('refuses a missing parameter of a core secret, naming the variable and the parameter', async () => {
    const load = loadSecrets(
      { TENCENTCLOUD_SECRET_KEY_PARAMETER: `${PATH}/tencent/secret-kye` },
      { client: new FakeParameterStore(STORED) },
    );

    await expect(load).rejects.toThrow(ConfigError);
    await expect(load).rejects.toThrow(
      `TENCENTCLOUD_SECRET_KEY_PARAMETER=${PATH}/tencent/secret-kye: no such SSM parameter`,
    );
  });

  it('leaves a source off when its secret parameter does not exist, and says which, by name only', async () => {
    const loaded = await loadSecrets(
      {
        REPLICA_FLOW_API_KEYS_PARAMETER: `${PATH}/api-keys`,
        SLACK_SIGNING_SECRET_PARAMETER: `${PATH}/slack/signing-secret`,
        JIRA_WEBHOOK_SECRET_PARAMETER: `${PATH}/jira/webhook-secret`,
      },
      { client: new FakeParameterStore(STORED) },
    );

    expect(loaded.values.SLACK_SIGNING_SECRET).toBe('slack-signing-secret-from-ssm');
    expect(loaded.values).not.toHaveProperty('JIRA_WEBHOOK_SECRET');
    expect(loaded.absent).toEqual([`${PATH}/jira/webhook-secret`]);
  });

  it('reads more than ten parameters in calls of at most ten', async () => {
    const variables = SECRET_VARIABLES.slice(0, 11);
    const stored = Object.fromEntries(
      variables.map((variable) => [`${PATH}/${variable}`, { value: `value-of-${variable}` }]),
    );
    const store = new FakeParameterStore(stored);
    const env = Object.fromEntries(
      variables.map((variable) => [`${variable}_PARAMETER`, `${PATH}/${variable}`]),
    );

    const loaded = await loadSecrets(env, { client: store });

    expect(store.calls.map((call) => call.names.length)).toEqual([10, 1]);
    for (const variable of variables) expect(loaded.values[variable]).toBe(`value-of-${variable}`);
  });

  it('refuses a secret stored as a plain String parameter', async () => {
    const load = loadSecrets(
      { SLACK_SIGNING_SECRET_PARAMETER: '/replica-flow/prod/slack/signing-secret' },
      {
        client: new FakeParameterStore({
          '/replica-flow/prod/slack/signing-secret': { value: 'in-clear', type: ParameterType.STRING },
        }),
      },
    );

    await expect(load).rejects.toThrow(/is a String; secrets must be SecureString/);
  });

  it('turns an SSM failure (e.g. AccessDenied) into a ConfigError that keeps the cause', async () => {
    const denied = Object.assign(new Error('not authorized to perform ssm:GetParameters'), {
      name: 'AccessDeniedException',
    });
    const client: ParameterClient = { send: () => Promise.reject(denied) };

    const error = await loadSecrets(
      { TENCENTCLOUD_SECRET_ID_PARAMETER: `${PATH}/tencent/secret-id` },
      { client },
    )
      .then(() => undefined)
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain('AccessDeniedException');
    expect((error as ConfigError).cause).toBe(denied);
  });
});

describe("a deployed function's dependencies", () => {
  const env = readRuntimeEnvironment({
    REQUESTS_QUEUE_URL: 'http://127.0.0.1:9324/000000000000/replica-flow-requests',
    CREATE_QUEUE_URL: 'http://127.0.0.1:9324/000000000000/replica-flow-create',
    NOTIFY_QUEUE_URL: 'http://127.0.0.1:9324/000000000000/replica-flow-notify',
    POLICY_FILE: 'policy/default.yaml',
  });

  const onlyApiKeys = () =>
    loadSecrets(
      { REPLICA_FLOW_API_KEYS: 'platform:key-from-env-0123456789' },
      { client: new FakeParameterStore({}) },
    );

  it('builds ingest, which calls neither Tencent nor a webhook receiver, without their secrets', async () => {
    const deps = await lambdaIngestDependencies(env, await onlyApiKeys());

    expect(deps.apiKeys.map((key) => key.name)).toEqual(['platform']);
    expect(deps).not.toHaveProperty('tencent');
    expect(deps).not.toHaveProperty('webhooks');
  });

  it.each([
    ['validate', lambdaValidateDependencies],
    ['create', lambdaCreateDependencies],
    ['poll', lambdaPollDependencies],
  ])(
    'fails the cold start of %s, which calls Tencent, when its Tencent secrets are not given, naming them',
    async (_name, build) => {
      await expect(build(env, await onlyApiKeys())).rejects.toThrow(
        /Tencent Cloud is not configured in this function: TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY/,
      );
    },
  );

  it('fails the cold start of notify when its webhook signing secret is not given, naming it', async () => {
    const built = lambdaNotifyDependencies(env, await onlyApiKeys());
    await expect(built).rejects.toThrow(ConfigError);
    await expect(built).rejects.toThrow(/WEBHOOK_SIGNING_SECRET not given/);
  });

  it('reads the secrets once per cold start, however many invocations follow', async () => {
    const store = new FakeParameterStore(STORED);
    const handler = lambdaHandler(
      (deps) => async () => deps.apiKeys.length,
      async () =>
        lambdaIngestDependencies(
          env,
          await loadSecrets({ REPLICA_FLOW_API_KEYS_PARAMETER: `${PATH}/api-keys` }, { client: store }),
        ),
    );

    const results = [
      await handler({}, lambdaContext('ingest')),
      await handler({}, lambdaContext('ingest')),
      await handler({}, lambdaContext('ingest')),
    ];

    expect(results).toEqual([2, 2, 2]);
    expect(store.calls).toHaveLength(1);
  });
});
