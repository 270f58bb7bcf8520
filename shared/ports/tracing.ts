import type { MiddlewareObj } from '@middy/core';

/**
 * X-Ray tracing as a port. In Lambda (with `Tracing: Active`) the Powertools adapter records a
 * segment per invocation and subsegments for the AWS SDK clients and each Tencent call; elsewhere
 * there is no tracer at all (see `tracingWanted`).
 */
export interface Tracing {
  /** `run` as a subsegment called `name`, with searchable annotations; an error is recorded on it and rethrown. */
  span<T>(name: string, annotations: Readonly<Record<string, string>>, run: () => Promise<T>): Promise<T>;
  /** The AWS SDK v3 client, each of its calls a subsegment. */
  captureAWSv3Client<Client>(client: Client): Client;
  /** The invocation's segment (cold start and service annotations, errors as metadata). */
  handlerMiddleware(): MiddlewareObj;
}

/**
 * Whether a tracer should exist here: the rule Powertools Tracer itself applies (in Lambda, not in
 * `sam local` or Amplify's mock, unless `POWERTOOLS_TRACE_ENABLED=false`). Checked before the tracer
 * (with the X-Ray SDK) is imported, so the local stack, `serverless invoke local` and the tests never
 * load it, patch `http`, or look for an X-Ray daemon.
 */
export const tracingWanted = (env: NodeJS.ProcessEnv): boolean =>
  Boolean(env.AWS_EXECUTION_ENV) &&
  env.AWS_EXECUTION_ENV !== 'AWS_Lambda_amplify-mock' &&
  !env.AWS_SAM_LOCAL &&
  env.POWERTOOLS_TRACE_ENABLED?.trim().toLowerCase() !== 'false';

/** No tracer: runs the work as it is. */
export const noTracing: Tracing = {
  span: (_name, _annotations, run) => run(),
  captureAWSv3Client: (client) => client,
  handlerMiddleware: () => ({ before: () => undefined }),
};
