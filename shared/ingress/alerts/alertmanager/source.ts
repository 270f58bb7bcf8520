import { alertmanagerEnvironmentShape } from '#shared/ingress/alerts/alertmanager/alertmanager-environment.ts';
import {
  alertmanagerSettingsFrom,
  NO_ALERTMANAGER,
} from '#shared/ingress/alerts/alertmanager/alertmanager-settings.ts';
import deployment from '#shared/ingress/alerts/alertmanager/source.deploy.json' with { type: 'json' };
import type { Source } from '#shared/ingress/source.ts';

/** Prometheus Alertmanager: the source's name on its requests, its kind, its deployment (source.deploy.json), its environment variables and the settings built from them. */
export const alertmanagerSource = {
  id: 'alertmanager',
  kind: 'alert',
  deployment,
  environment: alertmanagerEnvironmentShape,
  settings: { key: 'alertmanager', from: alertmanagerSettingsFrom, none: NO_ALERTMANAGER },
} as const satisfies Source;
