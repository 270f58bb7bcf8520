import { setImmediate } from 'node:timers/promises';
import { EMULATOR_CREDENTIALS } from '@replica-flow/tencent-emulator/credentials.ts';
import { type RunningEmulator, startEmulator } from '@replica-flow/tencent-emulator/server.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoRequestStore } from '#shared/adapters/store/dynamo-request-store.ts';
import { createTencentPostgres } from '#shared/adapters/tencent/tencent-postgres-client.ts';
import type { Policy } from '#shared/domain/policy.ts';
import { parsePolicy } from '#shared/domain/policy-loader.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import type { TencentPostgres } from '#shared/ports/tencent-postgres.ts';
import { retryOnTransient } from '#shared/runtime/retry-on-transient.ts';
import { validateRequest } from '#shared/use-cases/validate-request.ts';
import { requestRecord } from '#test/fixtures/request-records.ts';
import { corePorts } from '#test/support/core-harness.ts';
import { useDynaliteStores } from '#test/support/dynalite-tables.ts';
import { InMemoryStore } from '#test/support/in-memory-store.ts';

let emulator: RunningEmulator;
let tencent: TencentPostgres;
const dynamo = useDynaliteStores('budget-races');

beforeAll(async () => {
  // The pre-checks and the price come from the real SDK against the emulator's default world.
  emulator = await startEmulator();
  tencent = createTencentPostgres({
    credentials: EMULATOR_CREDENTIALS,
    endpoint: emulator.endpoint,
    protocol: 'http://',
    timeoutSeconds: 10,
    language: 'en-US',
  });
});

afterAll(async () => {
  await emulator.close();
});

/**
 * The in-memory store with its spend read answered on a later turn of the event loop, as any real
 * store's is: without it a read and the write after it run in one go and no two validations overlap.
 */
class InMemoryStoreOverTheWire extends InMemoryStore {
  override async listActiveSpend() {
    const records = await super.listActiveSpend();
    await setImmediate();
    return records;
  }
}

/** Every race runs on the in-memory store the unit tests use and on the real DynamoDB store (dynalite). */
const STORES: [string, () => Promise<InMemoryStore | DynamoRequestStore>][] = [
  ['the in-memory store', async () => new InMemoryStoreOverTheWire()],
  ['the DynamoDB store (dynalite)', dynamo.store],
];

const CONCURRENT = 10;
/** CNY a month for the fixture's primary: a few of the fixture plans fit, never all ten. */
const CEILING = 1000;
/** Rounds of redelivery (each a few ms; throttled rounds make no progress) before the test gives up. */
const MAX_ROUNDS = 1000;

const budgetPolicy = (): Policy =>
  parsePolicy(
    `version: 1
regions: [ap-beijing]
specs: [pg.it.small2]
limits: { maxStorage: 500, maxInstanceCount: 2, maxReplicasPerPrimary: 50, prepaidAllowed: true }
primaries:
  postgres-abcdef: {}
budgets:
  currency: CNY
  perPrimary:
    postgres-abcdef: { monthlyCeiling: ${CEILING} }
`,
    'yaml',
  );

/**
 * CONCURRENT requests for the same primary validated at once (each its own Lambda: the ports are
 * shared, as the table is); every 'retry' is redelivered, as the queue would after its backoff,
 * until each message ends. Answers the records as they end.
 */
const raceValidations = async (
  makeStore: () => Promise<InMemoryStore | DynamoRequestStore>,
  budgetLockWaitMs?: number,
) => {
  const ports = { ...corePorts(), tencent, store: await makeStore() };
  const deps = {
    ...ports,
    markers: ports.store,
    spend: ports.store,
    policy: budgetPolicy(),
    callbackRules: { localMode: true, allowedHosts: [] },
    provisioningTimeoutMs: 30 * 60_000,
    ...(budgetLockWaitMs === undefined ? {} : { budgetLockWaitMs }),
  };
  const records = Array.from({ length: CONCURRENT }, () => requestRecord());
  for (const record of records) await ports.store.putNew(record);
  let pending = records.map((record) => record.requestId);
  let retries = 0;
  for (let round = 0; pending.length > 0; round += 1) {
    if (round >= MAX_ROUNDS)
      throw new Error(`${pending.length} validations still retrying after ${round} rounds`);
    // As the validate handler runs it: a throttled Tencent call is a retry through the queue too.
    const outcomes = await Promise.all(
      pending.map((id) => retryOnTransient(() => validateRequest(id, deps))),
    );
    pending = pending.filter((_, index) => outcomes[index] === 'retry');
    retries += pending.length;
  }
  const ended = await Promise.all(
    records.map(async (record) => (await ports.store.get(record.requestId)) as RequestRecord),
  );
  return { ended, retries };
};

/** What the ended records add up to against the ceiling, in fen. */
const tally = (ended: readonly RequestRecord[]) => {
  const validated = ended.filter((record) => record.state === 'VALIDATED');
  const planMonthlyMinor = ended[0]?.budgetCheck?.planMonthlyMinor ?? Number.NaN;
  return {
    validated: validated.length,
    usedMinor: validated.reduce((sum, record) => sum + (record.budgetCheck?.planMonthlyMinor ?? 0), 0),
    planMonthlyMinor,
  };
};

describe.each(STORES)('budgets under concurrent validations on %s', (_, makeStore) => {
  it.each<[string, number | undefined]>([
    ['waiting for each other (the default wait)', undefined],
    ['retrying through the queue at once (no wait)', 0],
  ])(
    `never validates more than the per-primary ceiling holds: ${CONCURRENT} plans at once, %s`,
    async (_mode, budgetLockWaitMs) => {
      const { ended } = await raceValidations(makeStore, budgetLockWaitMs);
      const { validated, usedMinor, planMonthlyMinor } = tally(ended);

      // The fixture plan alone fits, all of them together do not: the race is real.
      expect(planMonthlyMinor).toBeGreaterThan(0);
      expect(planMonthlyMinor).toBeLessThanOrEqual(CEILING * 100);
      expect(planMonthlyMinor * CONCURRENT).toBeGreaterThan(CEILING * 100);

      expect(usedMinor).toBeLessThanOrEqual(CEILING * 100);
      // Serialised, the judgements fill the budget exactly as one after the other would.
      expect(validated).toBe(Math.floor((CEILING * 100) / planMonthlyMinor));
      const others = ended.filter((record) => record.state !== 'VALIDATED');
      expect(others.map((record) => [record.state, record.violations?.map((v) => v.rule)])).toEqual(
        others.map(() => ['REJECTED', ['policy.budgetExceeded']]),
      );
    },
  );
});
