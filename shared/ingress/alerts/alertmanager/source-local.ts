import type { AlertmanagerSettings } from '#shared/ingress/alerts/alertmanager/alertmanager-settings.ts';
import { type LocalSource, localToken } from '#shared/ingress/local-source.ts';
import * as z from '#shared/util/zod-mini.ts';

type Credentials = { alertmanagerToken: string };

/** Alertmanager in the local stack: a Bearer token. */
export const alertmanagerLocal: LocalSource<Credentials, AlertmanagerSettings> = {
  id: 'alertmanager',
  credentials: { alertmanagerToken: z.string().check(z.minLength(16)) },
  generate: () => ({ alertmanagerToken: localToken('am_local') }),
  settings: (credentials) => ({ token: credentials.alertmanagerToken }),
  lines: (ingressUrl, credentials) => [
    `  Alertmanager   ${ingressUrl}/v1/alerts/alertmanager   (Authorization: Bearer ${credentials.alertmanagerToken})`,
  ],
  fromEnvironmentWhenSet: ['ALERTMANAGER_TOKEN'],
};
