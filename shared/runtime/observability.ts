import type { MiddlewareObj } from '@middy/core';
import type { Dependencies } from '#shared/config/dependencies.ts';

/**
 * Every handler's tracing and metrics, after the logger's middleware: the invocation's X-Ray
 * segment (when the function has a tracer) around everything else, and the metrics the invocation
 * recorded written once at its end, whether it answered or threw.
 */
export const observability = (deps: Pick<Dependencies, 'metrics' | 'tracing'>): MiddlewareObj[] => {
  const flush = () => {
    deps.metrics?.flush();
  };
  return [...(deps.tracing ? [deps.tracing.handlerMiddleware()] : []), { after: flush, onError: flush }];
};
