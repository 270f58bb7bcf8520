import { secret } from '#shared/ingress/environment-rules.ts';

/** Alertmanager's environment variables (docs/ingress/alertmanager.md). */
export const alertmanagerEnvironmentShape = {
  /** Alertmanager's `http_config.authorization.credentials` (Bearer). */
  ALERTMANAGER_TOKEN: secret(16),
};
