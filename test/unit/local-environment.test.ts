import { describe, expect, it } from 'vitest';
import { upFlagsFromEnvironment } from '#local/cli/up-command.ts';
import { localEnvironment } from '#local/stack/local-environment.ts';
import { authenticateBearer } from '#shared/http/api-keys.ts';

describe('the local stack environment (npm start)', () => {
  it("takes nothing from an environment that sets none of the functions' variables", () => {
    expect(localEnvironment({})).toEqual({ apiKeys: [], settings: {}, alerts: {} });
  });

  it('accepts the API keys of REPLICA_FLOW_API_KEYS, named as in Lambda', () => {
    const { apiKeys } = localEnvironment({ REPLICA_FLOW_API_KEYS: 'ops:ops-key-0123456789abcdef' });
    expect(authenticateBearer('Bearer ops-key-0123456789abcdef', apiKeys)).toEqual({
      name: 'ops',
      role: 'submitter',
    });
  });

  it('turns on the alert sources whose secrets are set, with their settings', () => {
    const { alerts } = localEnvironment({
      ALERTMANAGER_TOKEN: 'am-token-0123456789abcdef',
      TENCENT_MONITOR_BASIC_USER: 'monitor',
      TENCENT_MONITOR_BASIC_PASSWORD: 'tcm-password-0123456789',
      TENCENT_MONITOR_PATH_TOKEN: 'tcm_path_0123456789abcdef',
      CLOUDWATCH_API_KEY: 'cw-key-0123456789abcdef',
      CLOUDWATCH_API_KEY_HEADER: 'X-Api-Token',
      GRAFANA_TOKEN: 'grafana-token-0123456789',
      ALERT_CALLBACK_URL: 'https://hooks.example.com/replicas',
      CALLBACK_ALLOWED_HOSTS: 'hooks.example.com',
      ALERT_PRIMARY_LABEL: 'db',
    });
    expect(alerts).toMatchObject({
      alertmanager: { token: 'am-token-0123456789abcdef' },
      tencentMonitor: {
        basic: { user: 'monitor', password: 'tcm-password-0123456789' },
        pathToken: 'tcm_path_0123456789abcdef',
      },
      cloudwatch: { apiKey: 'cw-key-0123456789abcdef', apiKeyHeader: 'x-api-token' },
      grafana: { token: 'grafana-token-0123456789' },
      callbackUrl: 'https://hooks.example.com/replicas',
      labels: { primary: 'db', region: 'region' },
    });
  });

  it('applies each workflow and Tencent setting that is set, in the units the stack takes', () => {
    const env = localEnvironment({
      PROVISIONING_TIMEOUT_SECONDS: '600',
      CALLBACK_ALLOWED_HOSTS: 'hooks.example.com, *.example.org',
      RETRY_MAX_SECONDS: '30',
      TENCENT_TIMEOUT_SECONDS: '5',
      TENCENT_CREATE_RATE_PER_SECOND: '10',
      TENCENT_PRICE_RATE_PER_SECOND: '5',
      TENCENT_CATALOG_CACHE_SECONDS: '0',
      WEBHOOK_TIMEOUT_MS: '2500',
      POLICY_FILE: 'policy/example.yaml',
    });
    expect(env.settings).toEqual({
      provisioningTimeoutMs: 600_000,
      allowedCallbackHosts: ['hooks.example.com', '*.example.org'],
      retryBackoff: { baseSeconds: 2, maxSeconds: 30 },
    });
    expect(env).toMatchObject({
      tencentTimeoutSeconds: 5,
      tencentRateLimits: { createPerSecond: 10, describePerSecond: 900, pricePerSecond: 5 },
      catalogCacheMs: 0,
      webhookTimeoutMs: 2500,
      policyFile: 'policy/example.yaml',
    });
  });

  it.each([
    ['PROVISIONING_TIMEOUT_SECONDS', 'soon'],
    ['ALERTMANAGER_TOKEN', 'short'],
    ['ALERT_CALLBACK_URL', 'not a url'],
    ['TENCENT_PROTOCOL', 'ftp://'],
  ])('refuses a bad %s, naming it, as a function cold start does', (name, value) => {
    expect(() => localEnvironment({ [name]: value })).toThrow(name);
  });

  it('refuses an ALERT_CALLBACK_URL that breaks the callback rules, which would reject every alert', () => {
    expect(() => localEnvironment({ ALERT_CALLBACK_URL: 'https://hooks.example.com/replicas' })).toThrow(
      'ALERT_CALLBACK_URL callback host hooks.example.com is not on the allowed hosts list',
    );
    expect(localEnvironment({ ALERT_CALLBACK_URL: 'http://127.0.0.1:9999/hook' }).alerts).toMatchObject({
      callbackUrl: 'http://127.0.0.1:9999/hook',
    });
  });

  it('refuses a REPLICA_FLOW_API_KEYS key shorter than 16 characters, naming the variable', () => {
    expect(() => localEnvironment({ REPLICA_FLOW_API_KEYS: 'ops:short' })).toThrow(/REPLICA_FLOW_API_KEYS/);
  });
});

describe("the up command's flags from the environment", () => {
  it('passes each REPLICA_FLOW_* variable (and POLICY_FILE) as its flag, before the command line', () => {
    expect(
      upFlagsFromEnvironment({
        REPLICA_FLOW_PORT: '18080',
        REPLICA_FLOW_POLL_INTERVAL: '0.5',
        POLICY_FILE: 'policy/example.yaml',
      }),
    ).toEqual(['--port', '18080', '--policy', 'policy/example.yaml', '--poll-interval', '0.5']);
  });

  it.each([
    ['REPLICA_FLOW_PORT', 'abc'],
    ['REPLICA_FLOW_EMULATOR_PORT', '70000'],
    ['REPLICA_FLOW_POLL_INTERVAL', '-1'],
  ])('refuses a bad %s, naming it', (name, value) => {
    expect(() => upFlagsFromEnvironment({ [name]: value })).toThrow(new RegExp(`^${name}: `));
  });
});
