import type { Dependencies } from '#shared/config/dependencies.ts';
import { lambdaDependencies } from '#shared/config/lambda-dependencies.ts';
import { consumerPorts, type PortBuilders } from '#shared/config/ports.ts';
import { webhooksFrom } from '#shared/config/webhook-adapter-builder.ts';

/** What the notify function uses: `sendNotification`'s ports, and what every queue consumer takes. */
export type NotifyFunctionDependencies = Pick<
  Dependencies,
  | 'store'
  | 'queue'
  | 'webhooks'
  | 'sourceNotifiers'
  | 'clock'
  | 'settings'
  | 'deadLetters'
  | 'metrics'
  | 'tracing'
>;

/** The notify function's wiring, from Lambda's port builders or the local stack's. */
export const notifyDependencies = (
  ports: PortBuilders,
  webhooks: Dependencies['webhooks'],
): NotifyFunctionDependencies => ({
  ...consumerPorts(ports),
  store: ports.store(),
  webhooks,
  sourceNotifiers: ports.sourceNotifiers(),
  clock: ports.clock,
});

export const lambdaNotifyDependencies = lambdaDependencies(async (ports) =>
  notifyDependencies(ports, await ports.webhooks(webhooksFrom)),
);
