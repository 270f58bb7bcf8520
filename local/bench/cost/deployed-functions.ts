import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { deploymentShape } from '#local/stack/deployment-shape.ts';
import { FUNCTIONS, type FunctionName } from '../../../scripts/bundle.ts';

const PARAMS_YML = fileURLToPath(new URL('../../../deploy/params.yml', import.meta.url));

/** A function as the template deploys it: what the cost of its invocations depends on. */
export interface DeployedFunction {
  readonly memoryMb: number;
  /** Records per invocation of its SQS event source; absent for a function no queue invokes. */
  readonly batchSize?: number;
}

export interface DeployedStack {
  readonly functions: Readonly<Record<FunctionName, DeployedFunction>>;
  /** Minutes between two poll cycles (the `pollSchedule` parameter, `rate(N minutes)`). */
  readonly pollEveryMinutes: number;
  /** Queues an SQS event source polls (each is long-polled by Lambda even when idle). */
  readonly polledQueues: number;
}

interface ParamsFile {
  readonly default?: { readonly pollSchedule?: string };
}

/**
 * Memory and batch sizes from `deploy/shape.yml` and the poll schedule from `deploy/params.yml`: the
 * files serverless.yml deploys from (never copied by hand).
 */
export const readDeployedStack = (paramsFile = PARAMS_YML): DeployedStack => {
  const shape = deploymentShape();
  const queues = Object.values(shape.queues);
  const entries = FUNCTIONS.map((name): [FunctionName, DeployedFunction] => {
    const queue = queues.find((entry) => entry.consumer === name);
    return [
      name,
      { memoryMb: shape.functions[name].memorySize, ...(queue ? { batchSize: queue.batchSize } : {}) },
    ];
  });
  // Serverless variables (${file(…)}) are unknown to a plain YAML parser: kept as strings.
  const params = parse(readFileSync(paramsFile, 'utf8'), { logLevel: 'silent' }) as ParamsFile;
  const schedule = params.default?.pollSchedule ?? '';
  const rate = /^rate\((\d+) minutes?\)$/.exec(schedule);
  if (!rate) throw new Error(`${paramsFile}: pollSchedule "${schedule}" is not rate(N minutes)`);
  return {
    functions: Object.fromEntries(entries) as Record<FunctionName, DeployedFunction>,
    pollEveryMinutes: Number(rate[1]),
    polledQueues: queues.length,
  };
};
