import {
  type GetParametersCommand,
  type GetParametersCommandOutput,
  ParameterType,
} from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { readRuntimeEnvironment } from '#shared/config/runtime-config.ts';
import { loadSecrets, type ParameterClient } from '#shared/config/secrets.ts';
import { ConfigError } from '#shared/errors.ts';
import { alertSettingsFrom, checkAlertCallback } from '#shared/ingress/alerts/alert-settings.ts';

const settingsOf = (env: NodeJS.ProcessEnv) => alertSettingsFrom(readRuntimeEnvironment(env));

describe('alert ingress settings', () => {
  it('default to the instance_id and region labels, x-api-key, 256 KiB bodies, a 300 s window, no credentials', () => {
    expect(settingsOf({})).toEqual({
      bodyLimitBytes: 262_144,
      replayWindowSeconds: 300,
      labels: { primary: 'instance_id', region: 'region' },
      alertmanager: {},
      tencentMonitor: {},
      cloudwatch: { apiKeyHeader: 'x-api-key' },
      grafana: {},
    });
  });

  it('read every source from the environment (empty values are unset)', () => {
    const settings = settingsOf({
      ALERTMANAGER_TOKEN: 'am-token-0123456789',
      ALERT_PRIMARY_LABEL: 'tencent_instance',
      ALERT_REGION_LABEL: 'tencent_region',
      ALERT_CALLBACK_URL: 'https://hooks.example.com/replicas',
      TENCENT_MONITOR_BASIC_USER: 'tencent',
      TENCENT_MONITOR_BASIC_PASSWORD: 'tcm-password-0123456789',
      TENCENT_MONITOR_PATH_TOKEN: '',
      CLOUDWATCH_API_KEY: 'cw-key-0123456789abc',
      CLOUDWATCH_API_KEY_HEADER: 'X-Replica-Flow-Key',
      GRAFANA_HMAC_SECRET: 'grafana-hmac-0123456789',
      GRAFANA_SIGNATURE_HEADER: 'X-Grafana-Alerting-Signature',
      GRAFANA_TIMESTAMP_HEADER: 'X-Grafana-Alerting-Timestamp',
      GRAFANA_TOKEN: '',
    });
    expect(settings).toMatchObject({
      labels: { primary: 'tencent_instance', region: 'tencent_region' },
      callbackUrl: 'https://hooks.example.com/replicas',
      alertmanager: { token: 'am-token-0123456789' },
      tencentMonitor: { basic: { user: 'tencent', password: 'tcm-password-0123456789' } },
      cloudwatch: { apiKey: 'cw-key-0123456789abc', apiKeyHeader: 'x-replica-flow-key' },
      grafana: {
        hmacSecret: 'grafana-hmac-0123456789',
        signatureHeader: 'x-grafana-alerting-signature',
        timestampHeader: 'x-grafana-alerting-timestamp',
      },
    });
    expect(settings.tencentMonitor.pathToken).toBeUndefined();
    expect(settings.grafana.token).toBeUndefined();
  });

  it('fail the cold start naming the variable, never its value', () => {
    const failure = (env: NodeJS.ProcessEnv) => {
      try {
        settingsOf(env);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
      throw new Error('expected a ConfigError');
    };
    expect(failure({ ALERTMANAGER_TOKEN: 'short-secret' })).toBe(
      'Invalid environment: ALERTMANAGER_TOKEN: must be at least 16 characters',
    );
    expect(failure({ TENCENT_MONITOR_PATH_TOKEN: 'has/a/slash/0123456789' })).toContain(
      'TENCENT_MONITOR_PATH_TOKEN',
    );
    expect(failure({ TENCENT_MONITOR_BASIC_USER: 'tencent' })).toBe(
      'TENCENT_MONITOR_BASIC_USER and TENCENT_MONITOR_BASIC_PASSWORD must be set together',
    );
    expect(failure({ GRAFANA_TIMESTAMP_HEADER: 'x-ts' })).toBe(
      'GRAFANA_TIMESTAMP_HEADER needs GRAFANA_HMAC_SECRET',
    );
    expect(failure({ ALERT_PRIMARY_LABEL: 'instance-id' })).toContain('ALERT_PRIMARY_LABEL');
    expect(failure({ CLOUDWATCH_API_KEY_HEADER: 'x api key' })).toContain('CLOUDWATCH_API_KEY_HEADER');
    expect(failure({ GRAFANA_TOKEN: 'tiny' })).not.toContain('tiny');
  });

  it('take the secrets from SSM Parameter Store where <VARIABLE>_PARAMETER names them', async () => {
    const stored: Record<string, string> = {
      '/replica-flow/prod/alerts/alertmanager-token': 'am-token-from-ssm-0123',
      '/replica-flow/prod/alerts/tencent-monitor-path-token': 'tcm_path_from_ssm_0123',
      '/replica-flow/prod/alerts/grafana-hmac-secret': 'grafana-hmac-from-ssm-0123',
    };
    const client: ParameterClient = {
      send: async (command: GetParametersCommand): Promise<GetParametersCommandOutput> => ({
        Parameters: (command.input.Names ?? []).map((Name) => ({
          Name,
          Value: stored[Name],
          Type: ParameterType.SECURE_STRING,
        })),
        $metadata: {},
      }),
    };
    const env = {
      ALERTMANAGER_TOKEN_PARAMETER: '/replica-flow/prod/alerts/alertmanager-token',
      TENCENT_MONITOR_PATH_TOKEN_PARAMETER: '/replica-flow/prod/alerts/tencent-monitor-path-token',
      GRAFANA_HMAC_SECRET_PARAMETER: '/replica-flow/prod/alerts/grafana-hmac-secret',
      CLOUDWATCH_API_KEY: 'cw-key-plain-env-0123',
    };
    const loaded = await loadSecrets(env, { client });
    expect(settingsOf({ ...env, ...loaded.values })).toMatchObject({
      alertmanager: { token: 'am-token-from-ssm-0123' },
      tencentMonitor: { pathToken: 'tcm_path_from_ssm_0123' },
      cloudwatch: { apiKey: 'cw-key-plain-env-0123' },
      grafana: { hmacSecret: 'grafana-hmac-from-ssm-0123' },
    });
  });

  it('refuse an ALERT_CALLBACK_URL every alert-driven request would be rejected for, naming the rule', () => {
    const settings = settingsOf({ ALERT_CALLBACK_URL: 'https://hooks.example.com/replicas' });
    expect(() => checkAlertCallback(settings, { localMode: false, allowedHosts: [] })).toThrow(
      new ConfigError('ALERT_CALLBACK_URL callback host hooks.example.com is not on the allowed hosts list'),
    );
    expect(() =>
      checkAlertCallback(settingsOf({ ALERT_CALLBACK_URL: 'http://hooks.example.com/replicas' }), {
        localMode: false,
        allowedHosts: ['hooks.example.com'],
      }),
    ).toThrow('ALERT_CALLBACK_URL callback URL must use https');
    expect(() =>
      checkAlertCallback(settings, { localMode: false, allowedHosts: ['hooks.example.com'] }),
    ).not.toThrow();
    expect(() => checkAlertCallback(settingsOf({}), { localMode: false, allowedHosts: [] })).not.toThrow();
  });
});
