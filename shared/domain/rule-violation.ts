/** A policy rule or pre-check that refused the request. */
export interface RuleViolation {
  /** Stable rule name, e.g. `policy.maxStorage`, `tencent.primaryRunning`, `schema`. */
  readonly rule: string;
  readonly message: string;
  /** The request field concerned, when there is one. */
  readonly field?: string;
  /** Tencent's error code, when a Tencent answer is the reason (e.g. `InvalidParameterValue.BadSpec`). */
  readonly tencentCode?: string;
}
