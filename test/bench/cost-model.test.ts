import { describe, expect, it } from 'vitest';
import {
  breakEvenRequestsPerMonth,
  type CostInputs,
  replicaFlowCost,
  replicaFlowMonthlyFloor,
  replicaFlowWorkCost,
  stepFunctionsCost,
  stepFunctionsTransitions,
} from '#local/bench/cost/cost-model.ts';
import type { DeployedStack } from '#local/bench/cost/deployed-functions.ts';
import { readDeployedStack } from '#local/bench/cost/deployed-functions.ts';
import { divideRounded, dollars, priced } from '#local/bench/cost/money.ts';

const DEPLOYED: DeployedStack = {
  functions: {
    ingest: { memoryMb: 512 },
    validate: { memoryMb: 256, batchSize: 10 },
    create: { memoryMb: 256, batchSize: 1 },
    poll: { memoryMb: 256 },
    notify: { memoryMb: 256, batchSize: 10 },
  },
  pollEveryMinutes: 1,
  polledQueues: 3,
};

/** Ten requests' counted work, and one idle poll cycle: small numbers, worked out by hand below. */
const INPUTS: CostInputs = {
  requests: 10,
  work: {
    functions: {
      ingest: { invocations: 10, billedMs: 100, records: 10 },
      validate: { invocations: 1, billedMs: 50, records: 10 },
      create: { invocations: 10, billedMs: 200, records: 10 },
      poll: { invocations: 1, billedMs: 40, records: 1 },
      notify: { invocations: 1, billedMs: 30, records: 10 },
    },
    readHalfUnits: 30,
    writeUnits: 60,
    sqsRequests: 20,
  },
  idleCycle: {
    functions: { poll: { invocations: 1, billedMs: 40, records: 1 } },
    readHalfUnits: 1,
    writeUnits: 2,
    sqsRequests: 3,
  },
  deployed: DEPLOYED,
  requestsPerMonth: 30_000,
  pollIterations: 2,
};

const cost = (report: { lines: readonly { item: string; cost: bigint }[] }, item: string) =>
  report.lines.find((line) => line.item === item)?.cost;

describe('money', () => {
  it('prices exactly in picodollars and rounds once, half up', () => {
    // 1 GB-s at $0.0000133334 = 13,333,400 picodollars.
    expect(priced(1n, 13_333_400)).toBe(13_333_400n);
    expect(priced(1n, 3, 2n)).toBe(2n);
    expect(divideRounded(5n, 4n)).toBe(1n);
    expect(divideRounded(6n, 4n)).toBe(2n);
    expect(dollars(1_234_500_000_000n)).toBeCloseTo(1.2345, 10);
  });

  it('never drifts: a million tiny sums equal one product', () => {
    let total = 0n;
    for (let i = 0; i < 1_000_000; i++) total += priced(1n, 200_000);
    expect(total).toBe(priced(1_000_000n, 200_000));
    expect(dollars(total)).toBe(0.2);
  });
});

describe('the cost of 1000 requests', () => {
  it('scales the counted work to 1000 requests, line by line', () => {
    const work = replicaFlowWorkCost(INPUTS);

    // 23 invocations × 100 = 2300 requests at $0.20/M.
    expect(cost(work, 'Lambda requests')).toBe(460_000_000n);
    // (100×512 + (50+200+40+30)×256) MB·ms × 100 = 13 GB-s.
    expect(cost(work, 'Lambda duration (arm64)')).toBe(13n * 13_333_400n);
    expect(cost(work, 'DynamoDB reads')).toBe(1500n * 125_000n);
    expect(cost(work, 'DynamoDB writes')).toBe(6000n * 625_000n);
    // 20 sent + Lambda's pollers: validate 1 receive + 1 delete, create 1 + 10, notify 1 + 1 → 35 × 100.
    expect(cost(work, 'SQS')).toBe(3500n * 400_000n);
    expect(cost(work, 'X-Ray')).toBe(2300n * 5_000_000n);
    expect(cost(work, 'HTTP API')).toBe(1000n * 1_000_000n);
    // 2300 × 512 bytes of EMF at $0.50 per GiB.
    expect(cost(work, 'EMF logs')).toBe(548_362_732n);
    expect(work.total).toBe(19_019_196_932n);
  });

  it('adds the monthly floor — schedule, idle pollers, metrics — shared by the stated load', () => {
    const floor = replicaFlowMonthlyFloor(INPUTS);

    expect(cost(floor, 'poll schedule: DynamoDB writes')).toBe(86_400n * 625_000n);
    expect(cost(floor, 'poll schedule: EventBridge Scheduler')).toBe(43_200n * 1_000_000n);
    // 3 queues × 5 pollers × 3 long polls a minute × 43,200 minutes.
    expect(cost(floor, 'idle SQS pollers (long polls)')).toBe(1_944_000n * 400_000n);
    // 11 series × $0.30.
    expect(cost(floor, 'CloudWatch custom metrics')).toBe(3_300_000_000_000n);
    expect(floor.total).toBe(4_470_039_711_417n);

    const total = replicaFlowCost(INPUTS);
    expect(total.total).toBe(19_019_196_932n + 149_001_323_714n);
    // Twice the load, half the floor per request.
    expect(replicaFlowCost({ ...INPUTS, requestsPerMonth: 60_000 }).total).toBe(
      19_019_196_932n + 74_500_661_857n,
    );
  });

  it('counts the Step Functions baseline: 4 + 3 transitions per poll iteration, and its Lambda tasks', () => {
    expect(stepFunctionsTransitions(1)).toBe(7);
    expect(stepFunctionsTransitions(15)).toBe(49);
    const sfn = stepFunctionsCost(INPUTS);

    expect(cost(sfn, 'Step Functions transitions')).toBe(10_000n * 25_000_000n);
    // ingest, validate, create, notify and 2 checks per request.
    expect(cost(sfn, 'Lambda requests')).toBe(6000n * 200_000n);
    // At each function's mean measured duration: 5 + 37.5 + 5 + 7.5 GB-s.
    expect(cost(sfn, 'Lambda duration (arm64)')).toBe(733_337_000n);
    expect(sfn.total).toBe(252_933_337_000n);
  });

  it('finds the load above which replica-flow costs at most half the baseline', () => {
    const load = breakEvenRequestsPerMonth(INPUTS, 0.5);

    expect(load).toBe(41_603);
    const at = (requestsPerMonth: number) => replicaFlowCost({ ...INPUTS, requestsPerMonth }).total;
    const half = stepFunctionsCost(INPUTS).total / 2n;
    expect(at(load)).toBeLessThanOrEqual(half);
    expect(at(load - 100)).toBeGreaterThan(half);
    // Work that alone costs more than half the baseline never breaks even.
    expect(
      breakEvenRequestsPerMonth({ ...INPUTS, work: { ...INPUTS.work, writeUnits: 1_000_000 } }, 0.5),
    ).toBe(Number.POSITIVE_INFINITY);
  });

  it('refuses a fractional count rather than rounding it silently', () => {
    expect(() => replicaFlowWorkCost({ ...INPUTS, work: { ...INPUTS.work, writeUnits: 1.5 } })).toThrow(
      /write units must be a whole count/,
    );
  });

  it('reads memory and batch sizes and the poll schedule from the files serverless.yml deploys (deploy/shape.yml, deploy/params.yml)', () => {
    const deployed = readDeployedStack();

    expect(Object.keys(deployed.functions)).toEqual(['ingest', 'validate', 'create', 'poll', 'notify']);
    for (const fn of Object.values(deployed.functions)) expect(fn.memoryMb).toBeGreaterThanOrEqual(128);
    expect(deployed.functions.ingest.batchSize).toBeUndefined();
    expect(deployed.functions.poll.batchSize).toBeUndefined();
    expect(deployed.functions.create.batchSize).toBeGreaterThanOrEqual(1);
    expect(deployed.polledQueues).toBe(3);
    expect(deployed.pollEveryMinutes).toBeGreaterThan(0);
  });
});
