import type { MetricsRecorder } from '#shared/ports/metrics.ts';
import type { WebhookSender } from '#shared/ports/webhook-sender.ts';

/** The webhook sender, counting each delivery attempt (`WebhookAttempts`), accepted or not. */
export const meteredWebhookSender = <Sender extends WebhookSender>(
  sender: Sender,
  metrics: MetricsRecorder,
): Sender => {
  const send: WebhookSender['send'] = async (message) => {
    try {
      return await sender.send(message);
    } finally {
      metrics.add('WebhookAttempts', {});
    }
  };
  return new Proxy(sender, {
    get: (target, property) => {
      if (property === 'send') return send;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
};
