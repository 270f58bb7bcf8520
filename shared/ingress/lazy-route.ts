import type { Route } from '#shared/ingress/routes.ts';

type RouteHandler = Route['handler'];

/**
 * A route whose module (its source's schemas, signature checks and replies) is imported at its first
 * request and kept: a cold start compiles only the source its request came from, so an API call
 * never loads Slack's, Jira's or an alert source's code (bundles make each such `import()` a chunk).
 */
export const lazyRoute = (load: () => Promise<RouteHandler>): RouteHandler => {
  let loaded: Promise<RouteHandler> | undefined;
  return async (event) => {
    loaded ??= load();
    return (await loaded)(event);
  };
};
