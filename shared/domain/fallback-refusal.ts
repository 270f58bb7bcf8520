/**
 * The Tencent codes with which `CreateReadOnlyDBInstance` refuses a create for capacity or spec
 * before accepting it (tencent-error-codes-by-action.txt): the only refusals after which a scale-out
 * moves to the next `{Zone, SpecCode}` of the primary's `scaleOut.fallback`. Looked up like
 * `TENCENT_ERROR_CODE_KINDS`: an entry covers its own code and every dotted sub-code below it.
 *
 * - `ResourceInsufficient` (with `.ResourceNotEnough`: "not enough resources to buy this spec here"):
 *   the zone has run out of this spec; the emulator answers it for a sold-out zone or spec.
 * - `InvalidParameterValue.BadSpec`: the spec is not (or no longer) sold there.
 *
 * Nothing else moves on: `InvalidParameterValue.IllegalZone` is a wrong zone (a policy error that
 * another attempt would hide), quota and charge-type codes hold in every zone, and an unknown outcome
 * is reconciled, never re-issued elsewhere (that could make two replicas).
 */
export const FALLBACK_REFUSAL_CODES: readonly string[] = [
  'ResourceInsufficient',
  'ResourceInsufficient.ResourceNotEnough',
  'InvalidParameterValue.BadSpec',
];

const CODES = new Set(FALLBACK_REFUSAL_CODES);

/** True when a create refused with `code` may try the next fallback `{Zone, SpecCode}`. */
export const isFallbackRefusal = (code: string | undefined): boolean => {
  for (let key = code ?? ''; key; key = key.slice(0, Math.max(0, key.lastIndexOf('.')))) {
    if (CODES.has(key)) return true;
  }
  return false;
};
