/**
 * AWS list prices the bench prices its counted calls at (`npm run bench`, cost.*): us-east-1, on-demand,
 * past every free tier, looked up on 2026-12-07 (the bench's search of stored public pages; each
 * entry names its page). Each is in integer micro-dollars (µ$) per million units (`perMillion`; a GB of
 * logs is the unit there, so $0.50 per GB is 500,000 µ$ × 10⁶) or per unit-month (`perMonth`), so the
 * cost arithmetic never accumulates floats (`cost/money.ts`).
 */
export const AWS_PRICES = {
  region: 'us-east-1',
  lookedUp: '2026-12-07',
  lambda: {
    /** arm64 duration, $0.0000133334 per GB-second (first tier, 6 billion GB-s a month). */
    armGbSecond: { perMillion: 13_333_400, source: 'https://aws.amazon.com/lambda/pricing/' },
    /** $0.20 per million requests. */
    requests: { perMillion: 200_000, source: 'https://aws.amazon.com/lambda/pricing/' },
  },
  dynamodb: {
    /** On-demand write request units, $0.625 per million (since the November 2024 price cut). */
    writeRequestUnits: { perMillion: 625_000, source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/' },
    /** On-demand read request units, $0.125 per million. */
    readRequestUnits: { perMillion: 125_000, source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/' },
  },
  /** Standard queue, $0.40 per million requests (first 100 billion); each 64 KB chunk of a payload is one request. */
  sqs: { requests: { perMillion: 400_000, source: 'https://aws.amazon.com/sqs/pricing/' } },
  /** $5.00 per million traces recorded. */
  xray: { tracesRecorded: { perMillion: 5_000_000, source: 'https://aws.amazon.com/xray/pricing/' } },
  cloudwatch: {
    /** $0.30 per custom metric per month (first 10,000), prorated by the hour a metric is sent in. */
    customMetric: { perMonth: 300_000, source: 'https://aws.amazon.com/cloudwatch/pricing/' },
    /** Logs ingested (standard class), $0.50 per GB: what an embedded-metric-format document costs. */
    logsIngestedGb: { perMillion: 500_000_000_000, source: 'https://aws.amazon.com/cloudwatch/pricing/' },
  },
  /** HTTP API, $1.00 per million requests (first 300 million; metered in 512 KB increments). */
  httpApi: { requests: { perMillion: 1_000_000, source: 'https://aws.amazon.com/api-gateway/pricing/' } },
  /**
   * EventBridge Scheduler, $1.00 per million invocations past 14 million free a month. The deployed
   * `schedule` event is a default-bus scheduled rule, which costs nothing; the bench prices it as the
   * Scheduler anyway (the dearer of the two).
   */
  scheduler: {
    invocations: { perMillion: 1_000_000, source: 'https://aws.amazon.com/eventbridge/pricing/' },
  },
  /** Standard workflows, $0.025 per 1,000 state transitions, retries included. */
  stepFunctions: {
    standardTransitions: { perMillion: 25_000_000, source: 'https://aws.amazon.com/step-functions/pricing/' },
  },
} as const;
