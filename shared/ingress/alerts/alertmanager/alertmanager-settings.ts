import type { alertmanagerEnvironmentShape } from '#shared/ingress/alerts/alertmanager/alertmanager-environment.ts';
import type { EnvironmentOf } from '#shared/ingress/environment-rules.ts';

/** Alertmanager's part of the alert ingress settings (`alerts.alertmanager`). Never logged. */
export interface AlertmanagerSettings {
  readonly token?: string;
}

export const alertmanagerSettingsFrom = (
  env: EnvironmentOf<typeof alertmanagerEnvironmentShape>,
): AlertmanagerSettings => ({ ...(env.ALERTMANAGER_TOKEN ? { token: env.ALERTMANAGER_TOKEN } : {}) });

/** Nothing configured: every request refused. */
export const NO_ALERTMANAGER: AlertmanagerSettings = {};
