export interface ActionCalls {
  total: number;
  /** `ok`, a Tencent error code, or `HTTP502` / `HTTP504` / `LostResponse`. */
  outcomes: Record<string, number>;
}

export interface CallsSnapshot {
  readonly total: number;
  readonly byAction: Record<string, ActionCalls>;
}

/** Counts every API call by action (the X-TC-Action sent, `(none)` if absent) and outcome. */
export class CallLog {
  private byAction = new Map<string, ActionCalls>();
  private total = 0;

  record(action: string, outcome: string): void {
    this.total += 1;
    let calls = this.byAction.get(action);
    if (!calls) {
      calls = { total: 0, outcomes: {} };
      this.byAction.set(action, calls);
    }
    calls.total += 1;
    calls.outcomes[outcome] = (calls.outcomes[outcome] ?? 0) + 1;
  }

  snapshot(): CallsSnapshot {
    return {
      total: this.total,
      byAction: Object.fromEntries(
        [...this.byAction].map(([action, calls]) => [
          action,
          { total: calls.total, outcomes: { ...calls.outcomes } },
        ]),
      ),
    };
  }

  reset(): void {
    this.byAction = new Map();
    this.total = 0;
  }
}
