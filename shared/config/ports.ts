import type { Dependencies } from '#shared/config/dependencies.ts';
import type { SourceSettings } from '#shared/config/source-dependencies.ts';

/**
 * The ports every function may take, as the environment that runs it builds them: Lambda
 * (`lambda-dependencies.ts`) and the local stack (`local/stack/local-ports.ts`) each implement this
 * once. A function's wiring (`functions/<name>.deps.ts`) calls only the builders of the ports it
 * uses, so a port it does not use is never built; the adapters only some functions use (Tencent,
 * the webhook sender, the policy) are passed to that wiring by the caller, built by their own lazy
 * builders (docs/bundling.md#adapters-behind-their-builders).
 */
export interface PortBuilders {
  readonly settings: Dependencies['settings'];
  readonly clock: Dependencies['clock'];
  store(): Dependencies['store'];
  queue(): Dependencies['queue'];
  apiKeys(): Dependencies['apiKeys'];
  /** `{ deadLetters }` where the dead-letter queues are configured, else `{}`. */
  deadLetters(): Pick<Dependencies, 'deadLetters'>;
  /** Metrics and tracing where recorded, else `{}`. */
  telemetry(): Pick<Dependencies, 'metrics' | 'tracing'>;
  /** The ingress settings of the alert, chat and ticket sources (an absent one answers 401). */
  ingress(): Pick<Dependencies, 'alerts'> & SourceSettings;
  /** Where completions are also told (Slack, Jira). */
  sourceNotifiers(): NonNullable<Dependencies['sourceNotifiers']>;
}

/** What every work-queue consumer takes besides its own ports: backoff settings, dead letters, telemetry. */
export type ConsumerPorts = Pick<Dependencies, 'queue' | 'settings' | 'deadLetters' | 'metrics' | 'tracing'>;

/** `queue`, `settings`, dead letters and telemetry: the ports every work-queue consumer takes. */
export const consumerPorts = (ports: PortBuilders): ConsumerPorts => ({
  queue: ports.queue(),
  settings: ports.settings,
  ...ports.deadLetters(),
  ...ports.telemetry(),
});
