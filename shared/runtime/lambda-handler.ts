import type { Context } from 'aws-lambda';

type Handler<Event, Result> = (event: Event, context: Context) => Promise<Result>;

/**
 * The deployed entry point: dependencies are built once per cold start (a bad setting fails the
 * first invocation loudly, naming it) and reused by every invocation after. Each function passes its
 * own wiring (`functions/<name>.deps.ts`), which builds exactly the ports it takes.
 */
export const lambdaHandler = <Deps, Event, Result>(
  build: (deps: Deps) => Handler<Event, Result>,
  dependencies: () => Promise<Deps>,
): Handler<Event, Result> => {
  let built: Promise<Handler<Event, Result>> | undefined;
  return async (event, context) => {
    built ??= dependencies().then(build);
    try {
      return await (await built)(event, context);
    } catch (error) {
      if (!(await built.then(() => true).catch(() => false))) built = undefined;
      throw error;
    }
  };
};
