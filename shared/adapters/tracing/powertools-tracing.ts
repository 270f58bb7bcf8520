import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { Tracing } from '#shared/ports/tracing.ts';

/**
 * The tracing port on Powertools Tracer (the X-Ray SDK). Lazy: see
 * docs/bundling.md#the-tracer-only-in-lambda. Responses are not recorded as metadata: an
 * HTTP answer can carry a requester's details, and X-Ray metadata is not access-controlled like logs.
 */
export const createPowertoolsTracing = (
  tracer: Tracer = new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'replica-flow' }),
): Tracing => ({
  span: (name, annotations, run) =>
    tracer.provider.captureAsyncFunc(name, async (subsegment) => {
      for (const [key, value] of Object.entries(annotations)) subsegment?.addAnnotation(key, value);
      try {
        return await run();
      } catch (error) {
        subsegment?.addError(error instanceof Error ? error : new Error(String(error)));
        throw error;
      } finally {
        subsegment?.close();
      }
    }) as ReturnType<typeof run>,
  captureAWSv3Client: (client) => tracer.captureAWSv3Client(client),
  handlerMiddleware: () => captureLambdaHandler(tracer, { captureResponse: false }),
});
