import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { FUNCTIONS, type FunctionName } from '../../../scripts/bundle.ts';

const SERVERLESS_YML = fileURLToPath(new URL('../../../serverless.yml', import.meta.url));

/** A function as `serverless.yml` deploys it: what the cost of its invocations depends on. */
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

interface ServerlessFile {
  readonly params?: { readonly default?: { readonly pollSchedule?: string } };
  readonly functions?: Record<
    string,
    {
      readonly memorySize?: number;
      readonly events?: readonly { readonly sqs?: { readonly batchSize?: number } }[];
    }
  >;
}

/** Reads memory sizes, batch sizes and the poll schedule from `serverless.yml` (never copied by hand). */
export const readDeployedStack = (file = SERVERLESS_YML): DeployedStack => {
  // CloudFormation's short tags (!Ref, !GetAtt …) are unknown to a plain YAML parser: kept as strings.
  const yml = parse(readFileSync(file, 'utf8'), { logLevel: 'silent' }) as ServerlessFile;
  const entries = FUNCTIONS.map((name): [FunctionName, DeployedFunction] => {
    const fn = yml.functions?.[name];
    if (!fn?.memorySize) throw new Error(`serverless.yml: function ${name} has no memorySize`);
    const sqs = fn.events?.find((event) => event.sqs)?.sqs;
    return [name, { memoryMb: fn.memorySize, ...(sqs ? { batchSize: sqs.batchSize ?? 10 } : {}) }];
  });
  const schedule = yml.params?.default?.pollSchedule ?? '';
  const rate = /^rate\((\d+) minutes?\)$/.exec(schedule);
  if (!rate) throw new Error(`serverless.yml: pollSchedule "${schedule}" is not rate(N minutes)`);
  const functions = Object.fromEntries(entries) as Record<FunctionName, DeployedFunction>;
  return {
    functions,
    pollEveryMinutes: Number(rate[1]),
    polledQueues: entries.filter(([, fn]) => fn.batchSize !== undefined).length,
  };
};
