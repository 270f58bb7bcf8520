import { createHmac } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { bearerToken, sameSecret } from '#shared/http/constant-time.ts';
import { header } from '#shared/http/request-body.ts';
import type { AlertIngressSettings } from '#shared/ingress/alerts/alert-settings.ts';

/** Grafana's docs say the first, its code's fallback is the second (`http/hmac.go`): accept both. */
export const GRAFANA_SIGNATURE_HEADERS = [
  'x-grafana-alerting-signature',
  'x-grafana-alert-signature',
] as const;

/** `hex(HMAC-SHA256(secret, [timestamp + ":"] + body))`, as Grafana 12 signs (no `sha256=` prefix). */
export const grafanaSignature = (secret: string, body: Buffer, timestamp?: string): string => {
  const hmac = createHmac('sha256', secret);
  if (timestamp !== undefined) hmac.update(`${timestamp}:`);
  return hmac.update(body).digest('hex');
};

export interface GrafanaAuthInput {
  readonly event: APIGatewayProxyEventV2;
  readonly body: Buffer;
  readonly now: Date;
  readonly replayWindowSeconds: number;
}

const signatureOk = (
  { event, body, now, replayWindowSeconds }: GrafanaAuthInput,
  settings: AlertIngressSettings['grafana'],
): boolean => {
  const secret = settings.hmacSecret ?? '';
  const names = new Set([
    ...(settings.signatureHeader ? [settings.signatureHeader] : []),
    ...GRAFANA_SIGNATURE_HEADERS,
  ]);
  const presented = [...names].map((name) => header(event, name)).find((value) => value !== undefined);
  let timestamp: string | undefined;
  let fresh = true;
  if (settings.timestampHeader) {
    timestamp = header(event, settings.timestampHeader)?.trim() ?? '';
    const seconds = /^\d{1,12}$/.test(timestamp) ? Number(timestamp) : Number.NaN;
    fresh = Math.abs(now.getTime() / 1000 - seconds) <= replayWindowSeconds;
  }
  const matches = sameSecret(presented?.trim().toLowerCase(), grafanaSignature(secret, body, timestamp));
  return matches && fresh && secret !== '';
};

/**
 * A Grafana contact point is accepted when every credential configured here checks out: the HMAC
 * signature (`GRAFANA_HMAC_SECRET`; with `GRAFANA_TIMESTAMP_HEADER`, over `timestamp:body` and
 * only within the replay window) and the `Authorization: Bearer` token (`GRAFANA_TOKEN`). With
 * neither configured, nothing is accepted. Comparisons are constant-time.
 */
export const isGrafanaCaller = (
  input: GrafanaAuthInput,
  settings: AlertIngressSettings['grafana'],
): boolean => {
  const checks: boolean[] = [];
  if (settings.hmacSecret) checks.push(signatureOk(input, settings));
  if (settings.token)
    checks.push(sameSecret(bearerToken(header(input.event, 'authorization')), settings.token));
  return checks.length > 0 && checks.every(Boolean);
};
