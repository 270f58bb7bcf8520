import type { Context } from 'aws-lambda';
import type { Dependencies } from '#shared/config/dependencies.ts';

type Handler<Event, Result> = (event: Event, context: Context) => Promise<Result>;

/**
 * The deployed entry point: dependencies are built once per cold start (a bad setting fails the
 * first invocation loudly, naming it) and reused by every invocation after. Each function passes its
 * own builder (`lambdaDependencies({...})`; see docs/bundling.md#adapters-behind-their-builders).
 */
export const lambdaHandler = <Event, Result>(
  build: (deps: Dependencies) => Handler<Event, Result>,
  dependencies: () => Promise<Dependencies>,
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
