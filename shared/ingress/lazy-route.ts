import type { Route } from '#shared/ingress/route.ts';

type RouteHandler = Route['handler'];

/**
 * A route whose module is imported at its first request and kept (concurrent first requests share
 * one load). Why: docs/bundling.md#ingest-sources-load-at-their-first-request
 */
export const lazyRoute = (load: () => Promise<RouteHandler>): RouteHandler => {
  let loaded: Promise<RouteHandler> | undefined;
  return async (event) => {
    loaded ??= load();
    return (await loaded)(event);
  };
};
