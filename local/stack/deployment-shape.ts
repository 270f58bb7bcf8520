import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import * as z from 'zod';

/** deploy/shape.yml: the one description of the deployment's shape that serverless.yml reads too. */
export const DEPLOYMENT_SHAPE_FILE = fileURLToPath(new URL('../../deploy/shape.yml', import.meta.url));

const positiveInt = z.number().int().positive();
const functionShape = z.strictObject({
  memorySize: positiveInt,
  /** Seconds. */
  timeout: positiveInt.max(900),
  reservedConcurrency: positiveInt.optional(),
});
const queueShape = z.strictObject({
  consumer: z.enum(['validate', 'create', 'notify']),
  /** Seconds. */
  visibilityTimeout: positiveInt.max(43_200),
  maxReceiveCount: positiveInt.max(1000),
  batchSize: positiveInt.max(10),
  maximumConcurrency: z.number().int().min(2).max(1000),
  oldestMessageAlarmSeconds: positiveInt,
});

export const deploymentShapeSchema = z.strictObject({
  functions: z.strictObject({
    ingest: functionShape,
    validate: functionShape,
    create: functionShape,
    poll: functionShape,
    notify: functionShape,
  }),
  queues: z.strictObject({ requests: queueShape, create: queueShape, notify: queueShape }),
});
export type DeploymentShape = z.infer<typeof deploymentShapeSchema>;
export type QueueShape = DeploymentShape['queues']['requests'];

let cached: DeploymentShape | undefined;

/** The deployment's shape, read and checked once; a bad file names the file and the field. */
export const deploymentShape = (file = DEPLOYMENT_SHAPE_FILE): DeploymentShape => {
  if (cached && file === DEPLOYMENT_SHAPE_FILE) return cached;
  const parsed = deploymentShapeSchema.safeParse(parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`${file}: ${problems.join('; ')}`);
  }
  if (file === DEPLOYMENT_SHAPE_FILE) cached = parsed.data;
  return parsed.data;
};
