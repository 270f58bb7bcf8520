import { AWS_PRICES } from '#local/bench/aws-prices.ts';
import type { DeployedStack } from '#local/bench/cost/deployed-functions.ts';
import { divideRounded, type Picodollars, priced, whole } from '#local/bench/cost/money.ts';
import type { FunctionName } from '../../../scripts/bundle.ts';

/** One function's invocations, as deployed (a local batch split by the deployed batch size). */
export interface FunctionUsage {
  readonly invocations: number;
  /** Σ of their durations, each rounded up to the millisecond as Lambda bills it. */
  readonly billedMs: number;
  /** SQS records (or HTTP requests) they held. */
  readonly records: number;
}

/** What some work cost in calls, as the bench counted them on the local stack. */
export interface CountedUsage {
  readonly functions: Readonly<Partial<Record<FunctionName, FunctionUsage>>>;
  /** DynamoDB read request units × 2 (an eventually consistent read of ≤ 4 KB is half a unit). */
  readonly readHalfUnits: number;
  /** DynamoDB write request units, the `inflight` index's included. */
  readonly writeUnits: number;
  /** SQS requests the functions made (sends, dead-letter receives, visibility changes), 64 KB chunks counted. */
  readonly sqsRequests: number;
}

export interface CostInputs {
  /** Requests the counted work carried from POST to webhook. */
  readonly requests: number;
  /** Everything those requests cost: ingest, validate, create, the poll cycles that finished them, notify. */
  readonly work: CountedUsage;
  /** One poll cycle with nothing in flight (the schedule runs it every minute, whatever the load). */
  readonly idleCycle: CountedUsage;
  readonly deployed: DeployedStack;
  /** The load the fixed monthly costs are shared by. */
  readonly requestsPerMonth: number;
  /** Poll iterations per request in the Step Functions baseline (its Wait → Check → Choice loop). */
  readonly pollIterations: number;
}

/** One line of a cost report, per 1000 requests. */
export interface CostLine {
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly cost: Picodollars;
}

export interface CostReport {
  readonly lines: readonly CostLine[];
  readonly total: Picodollars;
}

/**
 * The assumptions that are not counted, each stated once:
 * - X-Ray: one trace per invocation (active tracing), every one recorded — at the stated load (well
 *   under one request a second) each invocation is the first of its second, which the default
 *   sampling rule (first request each second + 5 %) always records.
 * - Embedded-metric-format documents: EMF_BYTES_PER_INVOCATION of logs ingested per invocation.
 * - CloudWatch custom metrics: CUSTOM_METRIC_SERIES series, each sent in every hour of the month
 *   (prorating then charges the full $0.30), shared by the month's requests.
 * - Lambda's SQS pollers: receive up to 10 messages a call under load (one receive per 10 records)
 *   and delete each invocation's batch in one call; idle, IDLE_POLLERS_PER_QUEUE pollers long-poll
 *   each queue every 20 s (AWS does not document the idle count).
 */
export const ASSUMPTIONS = {
  EMF_BYTES_PER_INVOCATION: 512,
  /**
   * The template's metrics (shared/observability, added with issue #16): one series each, but
   * RequestOutcome per outcome (READY, FAILED, TIMED_OUT). Each further dimension value is a series.
   */
  CUSTOM_METRICS: {
    RequestsReceived: 1,
    RequestOutcome: 3,
    TimeToReady: 1,
    TencentCalls: 1,
    TencentThrottles: 1,
    WebhookAttempts: 1,
    WebhooksUndelivered: 1,
    RequestsPastDeadline: 1,
    PollCycles: 1,
  } as Readonly<Record<string, number>>,
  IDLE_POLLERS_PER_QUEUE: 5,
  IDLE_RECEIVES_PER_POLLER_MINUTE: 3,
  MINUTES_PER_MONTH: 30 * 24 * 60,
  RECORDS_PER_RECEIVE: 10,
} as const;

const PER_THOUSAND = 1000n;
const MB_MS_PER_GB_S = 1024n * 1000n;
const BYTES_PER_GB = 1024n ** 3n;
const P = AWS_PRICES;

const functionEntries = (usage: CountedUsage) =>
  Object.entries(usage.functions) as [FunctionName, FunctionUsage][];

/** Quantities of one piece of work (a burst, a poll cycle), each in its billing unit's integer grain. */
interface Quantities {
  readonly lambdaRequests: bigint;
  /** MB × ms. */
  readonly mbMs: bigint;
  readonly readHalfUnits: bigint;
  readonly writeUnits: bigint;
  readonly sqsRequests: bigint;
  readonly traces: bigint;
  readonly httpRequests: bigint;
  readonly emfBytes: bigint;
}

const quantitiesOf = (usage: CountedUsage, deployed: DeployedStack): Quantities => {
  let lambdaRequests = 0n;
  let mbMs = 0n;
  let pollerRequests = 0n;
  for (const [name, fn] of functionEntries(usage)) {
    const invocations = whole(fn.invocations, `${name} invocations`);
    lambdaRequests += invocations;
    mbMs += whole(fn.billedMs, `${name} billed ms`) * BigInt(deployed.functions[name].memoryMb);
    if (deployed.functions[name].batchSize !== undefined) {
      const records = whole(fn.records, `${name} records`);
      const perReceive = BigInt(ASSUMPTIONS.RECORDS_PER_RECEIVE);
      pollerRequests += (records + perReceive - 1n) / perReceive + invocations;
    }
  }
  return {
    lambdaRequests,
    mbMs,
    readHalfUnits: whole(usage.readHalfUnits, 'read half-units'),
    writeUnits: whole(usage.writeUnits, 'write units'),
    sqsRequests: whole(usage.sqsRequests, 'SQS requests') + pollerRequests,
    traces: lambdaRequests,
    httpRequests: whole(usage.functions.ingest?.records ?? 0, 'HTTP requests'),
    emfBytes: lambdaRequests * BigInt(ASSUMPTIONS.EMF_BYTES_PER_INVOCATION),
  };
};

/** The lines of some quantities, each scaled by `times ÷ per` (per 1000 requests, or per month). */
const linesOf = (q: Quantities, label: string, times: bigint, per: bigint): CostLine[] => {
  const line = (item: string, quantity: bigint, unitsPer: bigint, unit: string, perMillion: number) => ({
    item: `${label}${item}`,
    quantity: Number(quantity * times) / Number(per * unitsPer),
    unit,
    cost: priced(quantity * times, perMillion, per * unitsPer),
  });
  return [
    line('Lambda requests', q.lambdaRequests, 1n, 'requests', P.lambda.requests.perMillion),
    line('Lambda duration (arm64)', q.mbMs, MB_MS_PER_GB_S, 'GB-s', P.lambda.armGbSecond.perMillion),
    line('DynamoDB reads', q.readHalfUnits, 2n, 'RRU', P.dynamodb.readRequestUnits.perMillion),
    line('DynamoDB writes', q.writeUnits, 1n, 'WRU', P.dynamodb.writeRequestUnits.perMillion),
    line('SQS', q.sqsRequests, 1n, 'requests', P.sqs.requests.perMillion),
    line('X-Ray', q.traces, 1n, 'traces', P.xray.tracesRecorded.perMillion),
    line('HTTP API', q.httpRequests, 1n, 'requests', P.httpApi.requests.perMillion),
    line('EMF logs', q.emfBytes, BYTES_PER_GB, 'GB', P.cloudwatch.logsIngestedGb.perMillion),
  ].filter((entry) => entry.quantity > 0);
};

const sum = (lines: readonly CostLine[]): Picodollars => lines.reduce((total, line) => total + line.cost, 0n);

/** Poll cycles the schedule runs in a month. */
const cyclesPerMonth = (deployed: DeployedStack): bigint =>
  BigInt(Math.floor(ASSUMPTIONS.MINUTES_PER_MONTH / deployed.pollEveryMinutes));

/** What replica-flow costs a month with no request at all: the schedule, idle pollers, metrics. */
export const replicaFlowMonthlyFloor = (inputs: CostInputs): CostReport => {
  const cycles = cyclesPerMonth(inputs.deployed);
  const idle = quantitiesOf(inputs.idleCycle, inputs.deployed);
  const idleReceives =
    BigInt(inputs.deployed.polledQueues) *
    BigInt(ASSUMPTIONS.IDLE_POLLERS_PER_QUEUE * ASSUMPTIONS.IDLE_RECEIVES_PER_POLLER_MINUTE) *
    BigInt(ASSUMPTIONS.MINUTES_PER_MONTH);
  const series = BigInt(Object.values(ASSUMPTIONS.CUSTOM_METRICS).reduce((a, b) => a + b, 0));
  const lines: CostLine[] = [
    ...linesOf(idle, 'poll schedule: ', cycles, 1n),
    {
      item: 'poll schedule: EventBridge Scheduler',
      quantity: Number(cycles),
      unit: 'invocations',
      cost: priced(cycles, P.scheduler.invocations.perMillion),
    },
    {
      item: 'idle SQS pollers (long polls)',
      quantity: Number(idleReceives),
      unit: 'requests',
      cost: priced(idleReceives, P.sqs.requests.perMillion),
    },
    {
      item: 'CloudWatch custom metrics',
      quantity: Number(series),
      unit: 'metric-months',
      // µ$ per month × 10⁶ = picodollars.
      cost: series * BigInt(P.cloudwatch.customMetric.perMonth) * 1_000_000n,
    },
  ];
  return { lines, total: sum(lines) };
};

/** replica-flow's counted work per 1000 requests, without the monthly floor. */
export const replicaFlowWorkCost = (inputs: CostInputs): CostReport => {
  const requests = whole(inputs.requests, 'requests');
  if (requests === 0n) throw new RangeError('requests must be > 0');
  const lines = linesOf(quantitiesOf(inputs.work, inputs.deployed), '', PER_THOUSAND, requests);
  return { lines, total: sum(lines) };
};

/** replica-flow per 1000 requests: the counted work scaled to 1000, plus the monthly floor shared by the load. */
export const replicaFlowCost = (inputs: CostInputs): CostReport => {
  const perMonth = whole(inputs.requestsPerMonth, 'requests per month');
  if (perMonth === 0n) throw new RangeError('requests per month must be > 0');
  const variable = replicaFlowWorkCost(inputs).lines;
  const floor = replicaFlowMonthlyFloor(inputs);
  const shared: CostLine = {
    item: `monthly floor shared by ${inputs.requestsPerMonth} requests/month`,
    quantity: Number(PER_THOUSAND) / inputs.requestsPerMonth,
    unit: 'months',
    cost: divideRounded(floor.total * PER_THOUSAND, perMonth),
  };
  const lines = [...variable, shared];
  return { lines, total: sum(lines) };
};

/**
 * States a request enters in the Step Functions baseline: Validate (Task) → Create (Task) → k × [Wait
 * 60 s → Check (Task) → Ready? (Choice)] → Notify (Task) → Done (Succeed). Standard workflows bill
 * every state entered.
 */
export const stepFunctionsTransitions = (pollIterations: number): number => 4 + 3 * pollIterations;

/**
 * The same workflow as a Step Functions standard state machine polling each request every 60 s, per
 * 1000 requests: its transitions, the HTTP API request and the Lambda invocations it would still need
 * (ingest starting the execution, the validate, create and notify tasks, one check per iteration),
 * each billed at the mean measured duration of replica-flow's function of that name (the check at
 * validate's, which makes the same pre-check call). No DynamoDB, SQS, X-Ray or metrics: the baseline
 * is given none of the costs replica-flow's bookkeeping and observability add.
 */
export const stepFunctionsCost = (inputs: CostInputs): CostReport => {
  const k = whole(inputs.pollIterations, 'poll iterations');
  const transitions = whole(stepFunctionsTransitions(inputs.pollIterations), 'transitions') * PER_THOUSAND;
  const tasks: [FunctionName, bigint][] = [
    ['ingest', 1n],
    ['validate', 1n + k],
    ['create', 1n],
    ['notify', 1n],
  ];
  let invocations = 0n;
  let gbSeconds: Picodollars = 0n;
  let gbSecondQuantity = 0;
  for (const [name, count] of tasks) {
    const measured = inputs.work.functions[name];
    if (!measured || measured.invocations === 0) throw new Error(`no ${name} invocation was measured`);
    const mbMs =
      count *
      PER_THOUSAND *
      whole(measured.billedMs, 'billed ms') *
      BigInt(inputs.deployed.functions[name].memoryMb);
    const per = whole(measured.invocations, 'invocations') * MB_MS_PER_GB_S;
    invocations += count * PER_THOUSAND;
    gbSeconds += priced(mbMs, P.lambda.armGbSecond.perMillion, per);
    gbSecondQuantity += Number(mbMs) / Number(per);
  }
  const lines: CostLine[] = [
    {
      item: 'Step Functions transitions',
      quantity: Number(transitions),
      unit: 'transitions',
      cost: priced(transitions, P.stepFunctions.standardTransitions.perMillion),
    },
    {
      item: 'Lambda requests',
      quantity: Number(invocations),
      unit: 'requests',
      cost: priced(invocations, P.lambda.requests.perMillion),
    },
    { item: 'Lambda duration (arm64)', quantity: gbSecondQuantity, unit: 'GB-s', cost: gbSeconds },
    {
      item: 'HTTP API',
      quantity: Number(PER_THOUSAND),
      unit: 'requests',
      cost: priced(PER_THOUSAND, P.httpApi.requests.perMillion),
    },
  ];
  return { lines, total: sum(lines) };
};

/**
 * Requests a month above which replica-flow costs at most `ratio` × the Step Functions baseline
 * (its monthly floor shared by enough requests); Infinity when its per-request work alone costs more.
 */
export const breakEvenRequestsPerMonth = (inputs: CostInputs, ratio: number): number => {
  const variable = replicaFlowWorkCost(inputs);
  const floor = replicaFlowMonthlyFloor(inputs).total;
  const budget = Number(stepFunctionsCost(inputs).total) * ratio - Number(variable.total);
  return budget <= 0 ? Number.POSITIVE_INFINITY : Math.ceil((Number(floor) * 1000) / budget);
};
