import fc from 'fast-check';

/** Environment variable that replays the property tests with another seed. */
export const PROPERTY_SEED_VARIABLE = 'REPLICA_FLOW_PROPERTY_SEED';
/** The seed every property test runs with unless the environment names another. */
const DEFAULT_PROPERTY_SEED = 20_261_129;

const seedFrom = (value: string | undefined): number => {
  if (value === undefined || value.trim() === '') return DEFAULT_PROPERTY_SEED;
  const seed = Number(value);
  if (!Number.isSafeInteger(seed)) {
    throw new Error(`${PROPERTY_SEED_VARIABLE} must be an integer (got "${value}")`);
  }
  return seed;
};

/** This run's seed: fixed, so a failure comes back on every run until it is fixed. */
export const PROPERTY_SEED = seedFrom(process.env[PROPERTY_SEED_VARIABLE]);

const withReplayHint = (error: unknown): never => {
  if (error instanceof Error) {
    error.message = `Property failed with seed ${PROPERTY_SEED}; replay it with ${PROPERTY_SEED_VARIABLE}=${PROPERTY_SEED}\n${error.message}`;
  }
  throw error;
};

/**
 * `fc.assert` with this run's seed (`parameters` may set the rest, not the seed). A failure's
 * message starts with the seed and how to replay it; fast-check adds the counterexample and path.
 */
export function assertProperty<Ts>(property: fc.IProperty<Ts>, parameters?: fc.Parameters<Ts>): void;
export function assertProperty<Ts>(
  property: fc.IAsyncProperty<Ts>,
  parameters?: fc.Parameters<Ts>,
): Promise<void>;
export function assertProperty<Ts>(
  property: fc.IProperty<Ts> | fc.IAsyncProperty<Ts>,
  parameters: fc.Parameters<Ts> = {},
): void | Promise<void> {
  const seeded: fc.Parameters<Ts> = { ...parameters, seed: PROPERTY_SEED };
  try {
    const outcome = fc.assert(property as fc.IRawProperty<Ts>, seeded);
    if (outcome instanceof Promise) return outcome.catch(withReplayHint);
  } catch (error) {
    withReplayHint(error);
  }
}
