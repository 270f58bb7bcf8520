import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertProperty, PROPERTY_SEED, PROPERTY_SEED_VARIABLE } from '#test/support/property-seed.ts';

const drawsOf = (): number[] => {
  const drawn: number[] = [];
  assertProperty(
    fc.property(fc.integer(), (value) => {
      drawn.push(value);
    }),
    { numRuns: 20 },
  );
  return drawn;
};

describe('assertProperty', () => {
  it('draws the same values on every run: the seed is fixed, not taken from the clock', () => {
    expect(drawsOf()).toEqual(drawsOf());
  });

  it('names the seed and the variable that replays it when a property fails', async () => {
    const failing = assertProperty(fc.asyncProperty(fc.nat(), async (value) => value < 0));

    await expect(failing).rejects.toThrow(
      `Property failed with seed ${PROPERTY_SEED}; replay it with ${PROPERTY_SEED_VARIABLE}=${PROPERTY_SEED}`,
    );
  });
});
