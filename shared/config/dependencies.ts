import type { RuntimeEnvironment } from '#shared/config/runtime-config.ts';
import { readRuntimeEnvironment, requireSetting } from '#shared/config/runtime-config.ts';
import type { SourceDependencies, SourceSettings } from '#shared/config/source-dependencies.ts';
import type { Policy } from '#shared/domain/policy.ts';
import type { ApiKey } from '#shared/http/api-keys.ts';
import type { AlertIngressSettings } from '#shared/ingress/alerts/alert-settings.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { DeadLetterQueues } from '#shared/ports/dead-letter-queues.ts';
import type { FleetStateStore } from '#shared/ports/fleet-state-store.ts';
import type { MessageQueue } from '#shared/ports/message-queue.ts';
import type { MetricsRecorder } from '#shared/ports/metrics.ts';
import type { MarkerStore, RequestStore, SpendStore } from '#shared/ports/request-store.ts';
import type { TencentPostgres } from '#shared/ports/tencent-postgres.ts';
import type { Tracing } from '#shared/ports/tracing.ts';
import type { WebhookSender } from '#shared/ports/webhook-sender.ts';

/** Tunables of the workflow, in the units the use cases take. */
export interface Settings {
  readonly localMode: boolean;
  readonly allowedCallbackHosts: readonly string[];
  readonly provisioningTimeoutMs: number;
  readonly visibilityGraceMs: number;
  readonly requeueAfterMs: number;
  readonly leaseMs: number;
  readonly pollLockMs: number;
  readonly webhookRetryWindowMs: number;
  /** The notify queue's maxReceiveCount: webhook retries are spread so these receives last the window. */
  readonly notifyMaxReceiveCount: number;
  readonly retryBackoff: { readonly baseSeconds: number; readonly maxSeconds: number };
  readonly bodyLimitBytes: number;
  /** `REPLICA_FLOW_DEPLOYMENT`: tagged on every replica; removal touches no other (absent: `DEFAULT_DEPLOYMENT`). */
  readonly deployment?: string;
}

/** Everything a handler needs, created once per process (cold start) and passed to use cases. */
export interface Dependencies extends SourceSettings {
  /** The request table; it also keeps the scale-out cooldown markers, the spend index (budgets) and the fleet states (scale-in). */
  readonly store: RequestStore & MarkerStore & SpendStore & FleetStateStore;
  readonly queue: MessageQueue;
  readonly tencent: TencentPostgres;
  readonly webhooks: WebhookSender;
  readonly clock: Clock;
  readonly policy: Policy;
  readonly apiKeys: readonly ApiKey[];
  readonly settings: Settings;
  /** Alert ingresses (Alertmanager, Cloud Monitor, CloudWatch, Grafana); absent: their routes answer 401. */
  readonly alerts?: AlertIngressSettings;
  /** Where completions are also told (Slack, Jira); each chat and ticket source's settings come from `SourceSettings`. */
  readonly sourceNotifiers?: SourceDependencies['sourceNotifiers'];
  /** The work queues' dead-letter queues; absent: messages reach them only after their maximum receives. */
  readonly deadLetters?: DeadLetterQueues;
  /** CloudWatch metrics (deployed functions); absent: none are recorded (the local stack, most tests). */
  readonly metrics?: MetricsRecorder;
  /** X-Ray tracing, in Lambda only (`tracingWanted`); absent: nothing is traced. */
  readonly tracing?: Tracing;
}

/** What adapters built for a deployed function record their calls with. */
export interface Telemetry {
  readonly metrics: MetricsRecorder;
  readonly tracing?: Tracing;
}

export const settingsFrom = (env: RuntimeEnvironment): Settings => ({
  localMode: env.LOCAL_MODE,
  allowedCallbackHosts: env.CALLBACK_ALLOWED_HOSTS,
  provisioningTimeoutMs: env.PROVISIONING_TIMEOUT_SECONDS * 1000,
  visibilityGraceMs: env.VISIBILITY_GRACE_SECONDS * 1000,
  requeueAfterMs: env.REQUEUE_AFTER_SECONDS * 1000,
  leaseMs: env.LEASE_SECONDS * 1000,
  pollLockMs: env.POLL_LOCK_SECONDS * 1000,
  webhookRetryWindowMs: env.WEBHOOK_RETRY_WINDOW_SECONDS * 1000,
  notifyMaxReceiveCount: env.NOTIFY_MAX_RECEIVE_COUNT,
  retryBackoff: { baseSeconds: env.RETRY_BASE_SECONDS, maxSeconds: env.RETRY_MAX_SECONDS },
  bodyLimitBytes: 64 * 1024,
  deployment: env.REPLICA_FLOW_DEPLOYMENT,
});

/** The settings of an environment that sets none: `SETTING_DEFAULTS`, as Lambda reads them. */
export const defaultSettings = (): Settings => settingsFrom(readRuntimeEnvironment({}));

export interface Secrets {
  readonly tencentSecretId: string;
  readonly tencentSecretKey: string;
  readonly webhookSigningSecret: string;
}

export const secretsFromEnvironment = (env: RuntimeEnvironment): Secrets => ({
  tencentSecretId: requireSetting(env.TENCENTCLOUD_SECRET_ID, 'TENCENTCLOUD_SECRET_ID'),
  tencentSecretKey: requireSetting(env.TENCENTCLOUD_SECRET_KEY, 'TENCENTCLOUD_SECRET_KEY'),
  webhookSigningSecret: requireSetting(env.WEBHOOK_SIGNING_SECRET, 'WEBHOOK_SIGNING_SECRET'),
});
