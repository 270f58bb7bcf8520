import type { AdapterBuilder } from '#shared/config/adapter-builder.ts';
import { callbackRulesOf } from '#shared/config/callback-rules.ts';
import { settingsFrom } from '#shared/config/dependencies.ts';
import type { WebhookSender } from '#shared/ports/webhook-sender.ts';

/**
 * The Standard Webhooks sender, with the callback rules validate applies.
 * Lazy: see docs/bundling.md#adapters-behind-their-builders
 */
export const webhooksFrom: AdapterBuilder<WebhookSender> = async (env, secrets) => {
  const { createStandardWebhookSender } = await import('#shared/adapters/webhook/standard-webhook-sender.ts');
  return createStandardWebhookSender({
    secret: secrets.webhookSigningSecret,
    timeoutMs: env.WEBHOOK_TIMEOUT_MS,
    rules: callbackRulesOf(settingsFrom(env)),
  });
};
