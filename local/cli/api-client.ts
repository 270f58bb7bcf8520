import { TERMINAL_STATES } from '#shared/domain/request-state.ts';
import type { FleetView } from '#shared/use-cases/fleet-view.ts';
import type { RequestView } from '#shared/use-cases/request-view.ts';

export interface SubmitAnswer {
  readonly requestId: string;
  readonly state: string;
  readonly statusUrl: string;
  readonly replayed: boolean;
}

/** A failed call to the replica-flow API, with the API's own error message. */
export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    const error = (body as { error?: { message?: string; issues?: { field: string; message: string }[] } })
      ?.error;
    const issues = error?.issues?.map((issue) => `\n  - ${issue.field}: ${issue.message}`).join('') ?? '';
    super(`HTTP ${status}: ${error?.message ?? JSON.stringify(body)}${issues}`);
  }
}

/** The replica-flow HTTP API, as the CLI (and the README's curl examples) use it. */
export const apiClient = (baseUrl: string, apiKey: string) => {
  const call = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
    const response = await fetch(new URL(path, baseUrl), {
      ...init,
      headers: { authorization: `Bearer ${apiKey}`, ...(init.headers ?? {}) },
    });
    const body = (await response.json().catch(() => ({}))) as unknown;
    if (!response.ok) throw new ApiCallError(response.status, body);
    return body as T;
  };
  return {
    submit: (request: Record<string, unknown>, idempotencyKey: string) =>
      call<SubmitAnswer>('/v1/replica-requests', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
        body: JSON.stringify(request),
      }),
    status: (requestId: string) => call<RequestView>(`/v1/replica-requests/${encodeURIComponent(requestId)}`),
    remove: (removal: Record<string, unknown>, idempotencyKey: string) =>
      call<SubmitAnswer>('/v1/replica-removals', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
        body: JSON.stringify(removal),
      }),
    fleet: (primaryId: string, region?: string) =>
      call<FleetView>(
        `/v1/primaries/${encodeURIComponent(primaryId)}/replicas${region ? `?region=${encodeURIComponent(region)}` : ''}`,
      ),
    fleetOverview: () => call<{ primaries: FleetView[]; truncated: boolean }>('/v1/fleet'),
  };
};

export type ApiClient = ReturnType<typeof apiClient>;

/** The request table's own terminal states (removals' and approval's included). */
const TERMINAL: ReadonlySet<string> = TERMINAL_STATES;

/**
 * Follows a request until it is terminal and its notification has been settled, calling
 * `onHistory` with every new history line. Gives up after `timeoutMs`.
 */
export const followRequest = async (
  client: ApiClient,
  requestId: string,
  options: {
    timeoutMs: number;
    intervalMs?: number;
    onHistory?: (entry: RequestView['history'][number]) => void;
  },
): Promise<RequestView> => {
  const deadline = Date.now() + options.timeoutMs;
  let shown = 0;
  for (;;) {
    const view = await client.status(requestId);
    for (const entry of view.history.slice(shown)) options.onHistory?.(entry);
    shown = view.history.length;
    const settled = !view.notification || ['DELIVERED', 'UNDELIVERED'].includes(view.notification.status);
    if (TERMINAL.has(view.state) && settled) return view;
    if (Date.now() > deadline)
      throw new Error(`request ${requestId} is still ${view.state} after ${options.timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 500));
  }
};

/** One line of a request's timeline, seconds since `started` (the client's clock; never below 0). */
export const timelineLine = (entry: { at: string; state: string; note?: string }, started: number): string =>
  `  +${Math.max(0, (Date.parse(entry.at) - started) / 1000)
    .toFixed(1)
    .padStart(5)} s  ${entry.state.padEnd(12)} ${entry.note ?? ''}`;
