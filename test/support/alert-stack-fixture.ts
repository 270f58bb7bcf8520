import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { apiClient, followRequest } from '#local/cli/api-client.ts';
import { loadOrCreateLocalCredentials } from '#local/stack/local-credentials.ts';
import { type LocalStack, startLocalStack } from '#local/stack/local-stack.ts';
import { startWebhookReceiver, type WebhookReceiver } from '#local/stack/webhook-receiver.ts';
import { grafanaSignature } from '#shared/ingress/alerts/grafana/grafana-auth.ts';
import type { RequestView } from '#shared/use-cases/request-view.ts';
import { policyFixturePath } from '#test/fixtures/policies.ts';
import { E2E_TIMINGS } from '#test/support/local-stack-fixture.ts';

export interface AlertStackFixture {
  readonly stack: LocalStack;
  readonly receiver: WebhookReceiver;
  readonly api: ReturnType<typeof apiClient>;
  /** POSTs an alert body to `/v1/alerts/<pathname>` with the given headers. */
  post(pathname: string, body: string | Buffer, headers?: Record<string, string>): Promise<Response>;
  alertmanager(body: string | Buffer): Promise<Response>;
  tencentMonitor(body: string | Buffer): Promise<Response>;
  cloudwatch(body: string | Buffer): Promise<Response>;
  grafana(body: Buffer): Promise<Response>;
  /** Waits until the request is terminal with its notification settled. */
  settled(requestId: string, timeoutMs?: number): Promise<RequestView>;
  /** Replicas the emulator holds for a primary. */
  replicasOf(primaryId: string): ReturnType<NonNullable<LocalStack['emulator']>['instances']>;
  close(): Promise<void>;
}

/**
 * A local stack with the alerts policy (test/fixtures/policies/alerts.yaml, or `policyFile`) whose alert-driven
 * requests send their completion webhook to a verifying receiver (ALERT_CALLBACK_URL).
 */
export const startAlertStack = async (
  options: { readonly policyFile?: string } = {},
): Promise<AlertStackFixture> => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'replica-flow-alerts-'));
  const credentials = await loadOrCreateLocalCredentials(dataDir);
  const receiver = await startWebhookReceiver(credentials.webhookSecret);
  const stack = await startLocalStack({
    dataDir,
    pollIntervalMs: 500,
    emulatorTimings: E2E_TIMINGS,
    policyFile: options.policyFile ?? policyFixturePath('alerts.yaml'),
    alerts: { callbackUrl: receiver.url },
  });
  const tokens = stack.credentials.alerts;
  const post = (pathname: string, body: string | Buffer, headers: Record<string, string> = {}) =>
    fetch(new URL(`/v1/alerts/${pathname}`, stack.ingressUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
  const api = apiClient(stack.ingressUrl, stack.credentials.apiKey);
  return {
    stack,
    receiver,
    api,
    post,
    alertmanager: (body) =>
      post('alertmanager', body, { authorization: `Bearer ${tokens.alertmanagerToken}` }),
    tencentMonitor: (body) => post(`tencent-monitor/${tokens.tencentMonitorPathToken}`, body),
    cloudwatch: (body) =>
      post('cloudwatch', body, {
        'content-type': 'application/json; charset=utf-8',
        'x-api-key': tokens.cloudwatchApiKey,
      }),
    grafana: (body) => {
      const ts = String(Math.floor(Date.now() / 1000));
      return post('grafana', body, {
        'x-grafana-alerting-signature': grafanaSignature(tokens.grafanaHmacSecret, body, ts),
        'x-grafana-alerting-timestamp': ts,
        authorization: `Bearer ${tokens.grafanaToken}`,
      });
    },
    settled: (requestId, timeoutMs = 40_000) => followRequest(api, requestId, { timeoutMs, intervalMs: 200 }),
    replicasOf: (primaryId) =>
      (stack.emulator?.instances() ?? []).filter((instance) => instance.primaryId === primaryId),
    close: async () => {
      await receiver.close();
      await stack.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
};
