import { type CallbackUrlRules, checkCallbackUrl } from '#shared/domain/callback-url.ts';
import { ConfigError } from '#shared/errors.ts';
import type { AlertEnvironment } from '#shared/ingress/alerts/alert-environment.ts';
import { SOURCES } from '#shared/ingress/sources.ts';

type AlertSource = Extract<(typeof SOURCES)[number], { kind: 'alert' }>;

/** Each alert source's part, under its key: built by its `<source>-settings.ts`, registered in its `source.ts`. */
export type AlertSourcesSettings = {
  readonly [Source in AlertSource as Source['settings']['key']]: ReturnType<Source['settings']['from']>;
};

/** Each alert source's part, by source id. */
export type AlertSettingsById = {
  readonly [Source in AlertSource as Source['id']]: ReturnType<Source['settings']['from']>;
};

/** What the alert ingresses need: label names, limits, and each source's credentials. Never logged. */
export type AlertIngressSettings = AlertSourcesSettings & {
  readonly bodyLimitBytes: number;
  readonly replayWindowSeconds: number;
  readonly labels: { readonly primary: string; readonly region: string };
  /** Completion webhook of alert-driven requests, when set. */
  readonly callbackUrl?: string;
};

/** Every alert source of the list (shared/ingress/sources.ts). */
export const ALERT_SOURCES: readonly AlertSource[] = SOURCES.filter(
  (source): source is AlertSource => source.kind === 'alert',
);

/** Builds the settings from a parsed environment; a half-configured credential is a ConfigError. */
export const alertSettingsFrom = (env: AlertEnvironment): AlertIngressSettings => ({
  bodyLimitBytes: env.ALERT_BODY_LIMIT_BYTES,
  replayWindowSeconds: env.ALERT_REPLAY_WINDOW_SECONDS,
  labels: { primary: env.ALERT_PRIMARY_LABEL, region: env.ALERT_REGION_LABEL },
  ...(env.ALERT_CALLBACK_URL ? { callbackUrl: env.ALERT_CALLBACK_URL } : {}),
  ...(Object.fromEntries(
    ALERT_SOURCES.map((source) => [source.settings.key, source.settings.from(env)]),
  ) as AlertSourcesSettings),
});

/**
 * `ALERT_CALLBACK_URL` must keep the callback rules validate applies to every request (`LOCAL_MODE`,
 * `CALLBACK_ALLOWED_HOSTS`): one that breaks them would make every alert-driven request REJECTED for
 * its callback. Checked when the settings are built (a cold start), so the deploy's first request fails
 * loudly instead.
 */
export const checkAlertCallback = (settings: AlertIngressSettings, rules: CallbackUrlRules): void => {
  if (!settings.callbackUrl) return;
  const verdict = checkCallbackUrl(settings.callbackUrl, rules);
  if (!verdict.ok) throw new ConfigError(`ALERT_CALLBACK_URL ${verdict.reason}`);
};

/** No source configured: every alert route answers 401 (fail closed). */
export const NO_ALERT_SOURCES: AlertIngressSettings = {
  bodyLimitBytes: 262_144,
  replayWindowSeconds: 300,
  labels: { primary: 'instance_id', region: 'region' },
  ...(Object.fromEntries(
    ALERT_SOURCES.map((source) => [source.settings.key, source.settings.none]),
  ) as AlertSourcesSettings),
};
