import { benchWorld } from '#local/bench/bench-stack.ts';
import {
  breakEvenRequestsPerMonth,
  type CostInputs,
  type CostReport,
  replicaFlowCost,
  replicaFlowMonthlyFloor,
  replicaFlowWorkCost,
  stepFunctionsCost,
} from '#local/bench/cost/cost-model.ts';
import { type DeployedStack, readDeployedStack } from '#local/bench/cost/deployed-functions.ts';
import { dollars } from '#local/bench/cost/money.ts';
import { combineUsage } from '#local/bench/cost/usage-meter.ts';
import { type Measurement, measurement, ratioAtMost, reportOnly } from '#local/bench/measurement.ts';
import type { BurstResult, BurstUsage } from '#local/bench/metrics/burst.ts';

/** The load the monthly floor is shared by: 1000 requests a day. */
export const STATED_REQUESTS_PER_MONTH = 30_000;
/** Real Tencent provisioning is minutes-scale (Terraform waits 20–60 min): the report-only case. */
export const MINUTES_SCALE_PROVISIONING_MS = 15 * 60_000;
const STEP_FUNCTIONS_WAIT_MS = 60_000;

/** The emulator's provisioning time in the bench world: until a replica is listed and running. */
export const benchProvisioningMs = (): number => {
  const { timings } = benchWorld();
  return Math.max(timings.listedAfterMs, timings.applyingMs + timings.initingMs);
};

/** Iterations of a 60-s Wait → Check → Choice loop until a replica provisioned in `ms` is seen running. */
export const pollIterationsFor = (ms: number): number => Math.max(1, Math.ceil(ms / STEP_FUNCTIONS_WAIT_MS));

/**
 * The burst's counted calls as cost inputs. With `provisioningMs` longer than the poll interval, each
 * request stays in flight through more cycles: each further cycle is bounded above by the finishing
 * cycles' whole cost (which also marked it READY and queued its webhook).
 */
export const costInputsOf = (
  usage: BurstUsage,
  provisioningMs: number,
  deployed: DeployedStack = readDeployedStack(),
): CostInputs => {
  const cycles = Math.max(1, Math.ceil(provisioningMs / (deployed.pollEveryMinutes * 60_000)));
  const finishingPoll = {
    functions: usage.finishing.functions.poll ? { poll: usage.finishing.functions.poll } : {},
    readHalfUnits: usage.finishing.readHalfUnits,
    writeUnits: usage.finishing.writeUnits,
    sqsRequests: usage.finishing.sqsRequests,
  };
  const work = combineUsage(combineUsage(usage.intake, usage.finishing, 1), finishingPoll, cycles - 1);
  return {
    requests: usage.requests,
    work,
    idleCycle: usage.idleCycle,
    deployed,
    requestsPerMonth: STATED_REQUESTS_PER_MONTH,
    pollIterations: pollIterationsFor(provisioningMs),
  };
};

export interface CostSummary {
  readonly replicaFlow: CostReport;
  readonly work: CostReport;
  readonly floor: CostReport;
  readonly stepFunctions: CostReport;
  readonly breakEvenRequestsPerMonth: number;
}

export const costSummary = (inputs: CostInputs): CostSummary => ({
  replicaFlow: replicaFlowCost(inputs),
  work: replicaFlowWorkCost(inputs),
  floor: replicaFlowMonthlyFloor(inputs),
  stepFunctions: stepFunctionsCost(inputs),
  breakEvenRequestsPerMonth: breakEvenRequestsPerMonth(inputs, 0.5),
});

const usd = (amount: bigint): string => `$${dollars(amount).toPrecision(3)}`;
const amount = (quantity: number): string =>
  quantity >= 100 ? Math.round(quantity).toLocaleString('en-US') : String(Number(quantity.toPrecision(3)));

/** The cost report as Markdown: each side's lines per 1000 requests, and the monthly floor. */
export const costBreakdown = (summary: CostSummary): string => {
  const rows = (report: CostReport) =>
    report.lines.map(
      (line) => `| ${line.item} | ${amount(line.quantity)} ${line.unit} | ${usd(line.cost)} |`,
    );
  return [
    '| replica-flow, per 1000 requests | quantity | cost |',
    '| --- | ---: | ---: |',
    ...rows(summary.replicaFlow),
    `| **total** | | **${usd(summary.replicaFlow.total)}** |`,
    '',
    '| monthly floor (no requests) | quantity | cost |',
    '| --- | ---: | ---: |',
    ...rows(summary.floor),
    `| **total a month** | | **${usd(summary.floor.total)}** |`,
    '',
    '| Step Functions standard, per 1000 requests | quantity | cost |',
    '| --- | ---: | ---: |',
    ...rows(summary.stepFunctions),
    `| **total** | | **${usd(summary.stepFunctions.total)}** |`,
  ].join('\n');
};

/**
 * The AWS cost of 1000 requests, from the calls the limited burst counted, against the same workflow
 * as a Step Functions standard state machine (`cost/cost-model.ts`): held to ≤ 0.5 × at minutes-scale
 * provisioning (what a real replica takes, so what a real state machine's poll loop would run) and the
 * stated load, monthly floor included. Reported only: the same at the bench emulator's seconds-scale
 * provisioning (one loop iteration, a case no real replica has), without the floor, and the load at
 * which the target is met at that provisioning.
 */
export const costMeasurements = (burst: BurstResult): Measurement[] => {
  if (!burst.usage) return [];
  const atBench = costSummary(costInputsOf(burst.usage, benchProvisioningMs()));
  const atMinutes = costSummary(costInputsOf(burst.usage, MINUTES_SCALE_PROVISIONING_MS));
  const unit = '$/1000 requests';
  const load = STATED_REQUESTS_PER_MONTH;
  return [
    measurement({
      metric: `cost.usd-per-1000-vs-step-functions.at-${load}-per-month.provisioning-bench`,
      value: dollars(atBench.replicaFlow.total),
      unit,
      baseline: dollars(atBench.stepFunctions.total),
      target: reportOnly,
    }),
    measurement({
      metric: 'cost.usd-per-1000-without-monthly-floor',
      value: dollars(atBench.work.total),
      unit,
      baseline: dollars(atBench.stepFunctions.total),
      target: reportOnly,
    }),
    measurement({
      metric: 'cost.monthly-floor-usd',
      value: dollars(atBench.floor.total),
      unit: '$/month',
      target: reportOnly,
    }),
    measurement({
      metric: 'cost.break-even-requests-per-month',
      value: atBench.breakEvenRequestsPerMonth,
      unit: 'requests/month',
      baseline: load,
      target: reportOnly,
    }),
    measurement({
      metric: `cost.usd-per-1000-vs-step-functions.at-${load}-per-month.provisioning-${MINUTES_SCALE_PROVISIONING_MS / 60_000}min`,
      value: dollars(atMinutes.replicaFlow.total),
      unit,
      baseline: dollars(atMinutes.stepFunctions.total),
      target: ratioAtMost(0.5),
    }),
  ];
};
