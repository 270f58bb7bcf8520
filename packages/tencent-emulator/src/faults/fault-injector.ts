import type { FaultKind, FaultPlanBody, FaultRule } from '#emulator/faults/fault-plan.ts';
import { seededRandom } from '#emulator/faults/prng.ts';

/** Longer than the SDK's default 60-second timeout. */
export const DEFAULT_DELAY_MS = 65_000;
const DEFAULT_SEED = 20171312;

export interface FaultDecision {
  readonly kind: FaultKind;
  /** For `Delay`. */
  readonly delayMs: number;
}

interface ActiveRule {
  readonly rule: FaultRule;
  /** Next step of a sequence. */
  cursor: number;
}

export interface FaultsSnapshot {
  readonly seed: number;
  readonly delayMs: number;
  readonly rules: readonly (FaultRule & { readonly remaining?: number })[];
  readonly injected: {
    readonly total: number;
    readonly byKind: Record<string, number>;
    readonly byAction: Record<string, Record<string, number>>;
  };
}

/**
 * Decides, per call, whether to inject a fault. Rules are tried in the order they were added: a
 * sequence rule always consumes a step (and its `ok` means no fault); a probability rule that
 * misses lets the next rule try. Injections are counted by kind and by action.
 */
export class FaultInjector {
  private rules: ActiveRule[] = [];
  private seed = DEFAULT_SEED;
  private random = seededRandom(DEFAULT_SEED);
  private delayMs = DEFAULT_DELAY_MS;
  private byKind = new Map<string, number>();
  private byAction = new Map<string, Map<string, number>>();
  private total = 0;

  add(plan: FaultPlanBody): void {
    if (plan.seed !== undefined) {
      this.seed = plan.seed;
      this.random = seededRandom(plan.seed);
    }
    if (plan.delayMs !== undefined) this.delayMs = plan.delayMs;
    for (const rule of plan.rules) this.rules.push({ rule, cursor: 0 });
  }

  /** Removes every rule (injection counts are kept until reset). */
  clear(): void {
    this.rules = [];
  }

  reset(): void {
    this.clear();
    this.seed = DEFAULT_SEED;
    this.random = seededRandom(DEFAULT_SEED);
    this.delayMs = DEFAULT_DELAY_MS;
    this.byKind = new Map();
    this.byAction = new Map();
    this.total = 0;
  }

  decide(action: string): FaultDecision | undefined {
    for (const active of this.rules) {
      const { rule } = active;
      if (rule.action !== '*' && rule.action !== action) continue;
      let kind: FaultKind | 'ok' | undefined;
      if (rule.sequence) {
        if (active.cursor >= rule.sequence.length) {
          if (!rule.repeat) continue;
          active.cursor = 0;
        }
        kind = rule.sequence[active.cursor];
        active.cursor += 1;
        if (kind === 'ok') return undefined;
      } else if (rule.kind && this.random() < (rule.probability ?? 0)) {
        kind = rule.kind;
      }
      if (kind === undefined || kind === 'ok') continue;
      this.count(action, kind);
      return { kind, delayMs: rule.delayMs ?? this.delayMs };
    }
    return undefined;
  }

  private count(action: string, kind: FaultKind): void {
    this.total += 1;
    this.byKind.set(kind, (this.byKind.get(kind) ?? 0) + 1);
    let perAction = this.byAction.get(action);
    if (!perAction) {
      perAction = new Map();
      this.byAction.set(action, perAction);
    }
    perAction.set(kind, (perAction.get(kind) ?? 0) + 1);
  }

  snapshot(): FaultsSnapshot {
    return {
      seed: this.seed,
      delayMs: this.delayMs,
      rules: this.rules.map(({ rule, cursor }) =>
        rule.sequence && !rule.repeat
          ? { ...rule, remaining: Math.max(0, rule.sequence.length - cursor) }
          : rule,
      ),
      injected: {
        total: this.total,
        byKind: Object.fromEntries(this.byKind),
        byAction: Object.fromEntries(
          [...this.byAction].map(([action, kinds]) => [action, Object.fromEntries(kinds)]),
        ),
      },
    };
  }
}
