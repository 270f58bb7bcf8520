import * as z from 'zod';

/**
 * Tencent's documented per-action limits (requests per second); see reference section 5 and
 * tencent-fleet-api.md: DestroyDBInstance 50/s, InquiryPrice* 20/s, Describe* 1000/s, the rest
 * (creates, read-only group actions, Isolate/DisIsolate, deletion protection) 100/s.
 */
export const documentedLimit = (action: string): number => {
  if (action === 'DestroyDBInstance') return 50;
  if (action.startsWith('InquiryPrice')) return 20;
  if (action.startsWith('Describe')) return 1000;
  return 100;
};

export const rateLimitSettings = z.strictObject({
  /** `false` switches every limit off. */
  enabled: z.boolean().optional(),
  /** Per-action limit overrides (requests per second per SecretId); `null` restores the documented limit. */
  limits: z
    .record(z.string().regex(/^[A-Z][A-Za-z0-9]+$/, 'an action name'), z.int().positive().nullable())
    .optional(),
});
export type RateLimitSettings = z.output<typeof rateLimitSettings>;

export type RateDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly count: number; readonly limit: number };

/**
 * Fixed one-second windows per action and SecretId, like the message Tencent sends ("Your current
 * request times equals to `N` in a second…"): every call counts, refused ones included.
 */
export class RateLimiter {
  private enabled = true;
  private readonly overrides = new Map<string, number>();
  private readonly windows = new Map<string, { second: number; count: number }>();

  limitFor(action: string): number {
    return this.overrides.get(action) ?? documentedLimit(action);
  }

  check(action: string, secretId: string, nowMs: number): RateDecision {
    if (!this.enabled) return { allowed: true };
    const key = `${action}\u0000${secretId}`;
    const second = Math.floor(nowMs / 1000);
    const window = this.windows.get(key);
    let count = 1;
    if (window && window.second === second) count = window.count += 1;
    else this.windows.set(key, { second, count });
    const limit = this.limitFor(action);
    return count <= limit ? { allowed: true } : { allowed: false, count, limit };
  }

  configure(settings: RateLimitSettings): void {
    if (settings.enabled !== undefined) this.enabled = settings.enabled;
    for (const [action, limit] of Object.entries(settings.limits ?? {})) {
      if (limit === null) this.overrides.delete(action);
      else this.overrides.set(action, limit);
    }
  }

  reset(): void {
    this.enabled = true;
    this.overrides.clear();
    this.windows.clear();
  }

  describe(actions: Iterable<string>): { enabled: boolean; limits: Record<string, number> } {
    return {
      enabled: this.enabled,
      limits: Object.fromEntries([...actions].map((action) => [action, this.limitFor(action)])),
    };
  }
}
