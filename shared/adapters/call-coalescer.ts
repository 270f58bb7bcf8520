/** One item's outcome in a coalesced call: its value, or the error only that item met. */
export type ItemOutcome<Out> =
  | { readonly ok: true; readonly value: Out }
  | { readonly ok: false; readonly error: unknown };

export interface CoalescerOptions<In, Out> {
  /** The most items one call may carry (SendMessageBatch 10, BatchGetItem 100). */
  readonly maxItems: number;
  /** The call for a single item (the plain action, as before coalescing). */
  readonly one: (item: In) => Promise<Out>;
  /**
   * The call for 2 to `maxItems` items: one outcome per item, in order. A throw fails every item
   * with that error.
   */
  readonly many: (items: readonly In[]) => Promise<readonly ItemOutcome<Out>[]>;
}

interface Waiting<In, Out> {
  readonly item: In;
  readonly resolve: (value: Out) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Coalesces calls made in the same turn of the event loop into batch calls: every item asked for
 * before the next `setImmediate` goes out together (at once when `maxItems` are waiting). An SQS
 * batch's records are processed concurrently, so their reads and sends meet here and a batch of 10
 * makes one BatchGetItem and one SendMessageBatch instead of 10 of each. A lone item still makes
 * the single-item call; each caller awaits, and sees the error of, its own item only.
 */
export const coalescer = <In, Out>(options: CoalescerOptions<In, Out>): ((item: In) => Promise<Out>) => {
  let waiting: Waiting<In, Out>[] = [];
  let scheduled: NodeJS.Immediate | undefined;

  const flush = (): void => {
    if (scheduled) clearImmediate(scheduled);
    scheduled = undefined;
    const batch = waiting;
    waiting = [];
    if (batch.length === 1) {
      const [only] = batch as [Waiting<In, Out>];
      options.one(only.item).then(only.resolve, only.reject);
      return;
    }
    options.many(batch.map((entry) => entry.item)).then(
      (outcomes) => {
        batch.forEach((entry, index) => {
          const outcome = outcomes[index];
          if (outcome === undefined)
            entry.reject(new Error('a coalesced call answered fewer items than asked'));
          else if (outcome.ok) entry.resolve(outcome.value);
          else entry.reject(outcome.error);
        });
      },
      (error: unknown) => {
        for (const entry of batch) entry.reject(error);
      },
    );
  };

  return (item) =>
    new Promise<Out>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (waiting.length >= options.maxItems) flush();
      else scheduled ??= setImmediate(flush);
    });
};
