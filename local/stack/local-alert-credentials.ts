import * as z from 'zod';
import { LOCAL_ALERT_SOURCES } from '#local/stack/local-source-list.ts';
import type { AlertIngressSettings } from '#shared/ingress/alerts/alert-settings.ts';
import { ALERT_SOURCES, NO_ALERT_SOURCES } from '#shared/ingress/alerts/alert-settings.ts';

type LocalAlertSource = (typeof LOCAL_ALERT_SOURCES)[keyof typeof LOCAL_ALERT_SOURCES];
type UnionToIntersection<Union> = (Union extends unknown ? (part: Union) => void : never) extends (
  part: infer Intersection,
) => void
  ? Intersection
  : never;

/** Each alert source with its local pieces, in the order of shared/ingress/sources.ts. */
export const LOCAL_ALERTS = ALERT_SOURCES.map((source) => ({
  source,
  local: LOCAL_ALERT_SOURCES[source.id] as LocalAlertSource,
}));

/** The alert sources' development credentials of one local data folder (each source's `source-local.ts`). */
export type LocalAlertCredentials = UnionToIntersection<ReturnType<LocalAlertSource['generate']>>;
export const localAlertCredentialsSchema = z.strictObject(
  Object.assign({}, ...LOCAL_ALERTS.map(({ local }) => local.credentials)) as Record<
    keyof LocalAlertCredentials,
    z.core.$ZodType<string>
  >,
) as unknown as z.ZodType<LocalAlertCredentials>;

export const generateLocalAlertCredentials = (): LocalAlertCredentials =>
  Object.assign({}, ...LOCAL_ALERTS.map(({ local }) => local.generate()));

/**
 * The local stack's alert ingress settings: every source enabled with the folder's credentials (each
 * as its `source-local.ts` says), then the overrides.
 */
export const localAlertSettings = (
  credentials: LocalAlertCredentials,
  overrides: Partial<AlertIngressSettings> = {},
): AlertIngressSettings => ({
  ...NO_ALERT_SOURCES,
  ...Object.fromEntries(
    LOCAL_ALERTS.map(({ source, local }) => [source.settings.key, local.settings(credentials as never)]),
  ),
  ...overrides,
});
