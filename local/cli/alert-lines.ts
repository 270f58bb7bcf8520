import { LOCAL_ALERTS, type LocalAlertCredentials } from '#local/stack/local-alert-credentials.ts';

/** What `up` prints about the alert sources: where each one posts and with which local credential (its `source-local.ts`). */
export const alertLines = (ingressUrl: string, alerts: LocalAlertCredentials): string[] =>
  LOCAL_ALERTS.flatMap(({ local }) => local.lines(ingressUrl, alerts as never));
