import { describe, expect, it } from 'vitest';
import { coalescer, type ItemOutcome } from '#shared/adapters/call-coalescer.ts';

/** A coalescer over doubling, recording each call it makes: `one:x` or `many:[x,y,…]`. */
const doubling = (maxItems: number, failing: ReadonlySet<number> = new Set()) => {
  const calls: string[] = [];
  const call = coalescer<number, number>({
    maxItems,
    one: async (item) => {
      calls.push(`one:${item}`);
      return item * 2;
    },
    many: async (items) => {
      calls.push(`many:${items.join(',')}`);
      return items.map(
        (item): ItemOutcome<number> =>
          failing.has(item)
            ? { ok: false, error: new Error(`refused ${item}`) }
            : { ok: true, value: item * 2 },
      );
    },
  });
  return { call, calls };
};

describe('coalescer', () => {
  it('makes the single-item call for a lone item', async () => {
    const { call, calls } = doubling(10);

    expect(await call(4)).toBe(8);
    expect(calls).toEqual(['one:4']);
  });

  it('sends the items asked for in one turn together, each caller getting its own answer', async () => {
    const { call, calls } = doubling(10);

    const answers = await Promise.all([1, 2, 3].map(call));

    expect(answers).toEqual([2, 4, 6]);
    expect(calls).toEqual(['many:1,2,3']);
  });

  it('sends at once when maxItems are waiting, and the rest in a call of their own', async () => {
    const { call, calls } = doubling(2);

    const answers = await Promise.all([1, 2, 3, 4, 5].map(call));

    expect(answers).toEqual([2, 4, 6, 8, 10]);
    expect(calls).toEqual(['many:1,2', 'many:3,4', 'one:5']);
  });

  it('keeps items asked for in different turns apart', async () => {
    const { call, calls } = doubling(10);

    await call(1);
    await Promise.all([call(2), call(3)]);

    expect(calls).toEqual(['one:1', 'many:2,3']);
  });

  it('fails only the item the batch call refused', async () => {
    const { call } = doubling(10, new Set([2]));

    const settled = await Promise.allSettled([1, 2, 3].map(call));

    expect(settled.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(settled[1]).toMatchObject({ reason: { message: 'refused 2' } });
  });

  it('fails every item of a batch call that throws', async () => {
    const call = coalescer<number, number>({
      maxItems: 10,
      one: async (item) => item,
      many: async () => {
        throw new Error('unreachable');
      },
    });

    const settled = await Promise.allSettled([call(1), call(2)]);

    expect(settled).toEqual([
      { status: 'rejected', reason: new Error('unreachable') },
      { status: 'rejected', reason: new Error('unreachable') },
    ]);
  });

  it('fails an item the batch call left unanswered instead of leaving it waiting', async () => {
    const call = coalescer<number, number>({
      maxItems: 10,
      one: async (item) => item,
      many: async (items) => items.slice(1).map((item) => ({ ok: true, value: item })),
    });

    const settled = await Promise.allSettled([call(1), call(2)]);

    expect(settled[0]).toMatchObject({ status: 'fulfilled', value: 2 });
    expect(settled[1]).toMatchObject({
      status: 'rejected',
      reason: { message: 'a coalesced call answered fewer items than asked' },
    });
  });
});
