import { performance } from 'node:perf_hooks';
import type { DeliveryResult } from '#shared/ports/webhook-sender.ts';

/** `fetch failed: connect ECONNREFUSED 127.0.0.1:1`: undici hides the socket error in `cause`. */
const describeError = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
};

/**
 * Runs one outbound HTTP attempt with a timeout and turns whatever happens into a `DeliveryResult`
 * (never throws). `secrets` are cut out of every error text, so a token or a webhook URL that
 * appears in an exception never reaches the record or a log line.
 */
export const deliverOnce = async (
  attempt: (signal: AbortSignal) => Promise<Omit<DeliveryResult, 'durationMs'>>,
  options: { readonly timeoutMs: number; readonly secrets: readonly (string | undefined)[] },
): Promise<DeliveryResult> => {
  const started = performance.now();
  const signal = AbortSignal.timeout(options.timeoutMs);
  const redact = (text: string) =>
    options.secrets.reduce<string>(
      (redacted, secret) => (secret ? redacted.split(secret).join('[redacted]') : redacted),
      text,
    );
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const result = await attempt(signal);
    return { ...result, ...(result.error ? { error: redact(result.error) } : {}), durationMs: elapsed() };
  } catch (error) {
    const timedOut = signal.aborted || (error instanceof Error && error.name === 'TimeoutError');
    const reason = timedOut
      ? `timed out after ${options.timeoutMs} ms`
      : `request failed: ${describeError(error)}`;
    return { ok: false, error: redact(reason), durationMs: elapsed() };
  }
};

/** At most `max` characters of a remote answer, for an error message. */
export const excerpt = (text: string, max = 160): string =>
  text.length > max ? `${text.slice(0, max)}…` : text;
