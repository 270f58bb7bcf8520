import type { Settings } from '#shared/config/dependencies.ts';
import type { CallbackUrlRules } from '#shared/domain/callback-url.ts';

/**
 * The one set of callback rules (`LOCAL_MODE`, `CALLBACK_ALLOWED_HOSTS`) that validate applies to a
 * request, notify applies to its choice of targets, and the webhook sender applies before each attempt.
 */
export const callbackRulesOf = (
  settings: Pick<Settings, 'localMode' | 'allowedCallbackHosts'>,
): CallbackUrlRules => ({
  localMode: settings.localMode,
  allowedHosts: settings.allowedCallbackHosts,
});
