import type { AdapterBuilder } from '#shared/config/adapter-builder.ts';
import type { WebhookSender } from '#shared/ports/webhook-sender.ts';

/** The Standard Webhooks sender, imported when built (notify). */
export const webhooksFrom: AdapterBuilder<WebhookSender> = async (env, secrets) => {
  const { createStandardWebhookSender } = await import('#shared/adapters/webhook/standard-webhook-sender.ts');
  return createStandardWebhookSender({
    secret: secrets.webhookSigningSecret,
    timeoutMs: env.WEBHOOK_TIMEOUT_MS,
    allowPrivateAddresses: env.LOCAL_MODE,
  });
};
