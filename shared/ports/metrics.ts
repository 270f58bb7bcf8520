/**
 * The workflow's CloudWatch metrics (namespace `ReplicaFlow`, every metric also carries the
 * Powertools `service` dimension, `replica-flow`). Alarms and the dashboard in serverless.yml are
 * built on these exact names and dimensions: a name or dimension changed here must change there.
 *
 * `rollUps`: further dimension sets the same value is published under (besides `service`, always
 * there), so an alarm can watch e.g. every FAILED outcome without naming each source.
 */
export const METRIC_DEFINITIONS = {
  /** A new request was recorded (a replayed idempotency key is not counted). */
  RequestsReceived: { unit: 'Count', dimensions: ['source'], rollUps: [[]] },
  /** A request reached a terminal state: READY, FAILED, REJECTED, TIMED_OUT, SUPPRESSED, DRY_RUN. */
  RequestOutcome: { unit: 'Count', dimensions: ['source', 'outcome'], rollUps: [['outcome']] },
  /** From the request's `createdAt` (received) to its READY transition. */
  TimeToReady: { unit: 'Milliseconds', dimensions: [], rollUps: [] },
  /** Every Tencent API call made (a catalog answer served from the cache is not a call). */
  TencentCalls: { unit: 'Count', dimensions: ['action'], rollUps: [[]] },
  /** Tencent calls refused for rate (`RequestLimitExceeded*`, `OperateFrequencyLimitedError`). */
  TencentThrottles: { unit: 'Count', dimensions: ['action'], rollUps: [[]] },
  /** Every signed webhook delivery attempt (accepted or not). */
  WebhookAttempts: { unit: 'Count', dimensions: [], rollUps: [] },
  /** Notify messages that ended undelivered after the retry window (each goes to the dead-letter queue). */
  WebhooksUndelivered: { unit: 'Count', dimensions: [], rollUps: [] },
  /** Per poll cycle: in-flight requests past their provisioning deadline that the cycle did not end. */
  RequestsPastDeadline: { unit: 'Count', dimensions: [], rollUps: [] },
  /** The poller's heartbeat: 1 per cycle that ran (a cycle skipped for the run lock is not counted). */
  PollCycles: { unit: 'Count', dimensions: [], rollUps: [] },
  /** Per fleet view (Tencent asked): instances with this deployment's tag that no active record knows. */
  FleetOrphans: { unit: 'Count', dimensions: [], rollUps: [] },
  /** Per fleet view (Tencent asked): READY records whose replica Tencent no longer lists, or lists as removed. */
  FleetDrift: { unit: 'Count', dimensions: [], rollUps: [] },
} as const satisfies Readonly<
  Record<
    string,
    {
      readonly unit: 'Count' | 'Milliseconds';
      readonly dimensions: readonly string[];
      readonly rollUps: readonly (readonly string[])[];
    }
  >
>;

export type MetricName = keyof typeof METRIC_DEFINITIONS;
export type MetricUnit = (typeof METRIC_DEFINITIONS)[MetricName]['unit'];

/** The dimensions a metric is published with, e.g. `{ source, outcome }` for `RequestOutcome`. */
export type MetricDimensions<Name extends MetricName> = {
  readonly [Key in (typeof METRIC_DEFINITIONS)[Name]['dimensions'][number]]: string;
};

/**
 * Where the code records metrics. Values are buffered for the invocation and written once at its
 * end (`flush`, called by the handler's middleware), so a use case never pays for a write.
 */
export interface MetricsRecorder {
  /** `value` defaults to 1 (a count). */
  add<Name extends MetricName>(name: Name, dimensions: MetricDimensions<Name>, value?: number): void;
  /** Writes what the invocation recorded; never throws. */
  flush(): void;
}

/** Records nothing: the local stack and tests that do not look at metrics. */
export const noMetrics: MetricsRecorder = {
  add: () => undefined,
  flush: () => undefined,
};
