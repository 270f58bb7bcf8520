import { describe, expect, it } from 'vitest';
import {
  movableClock,
  type SdkError,
  sdkClient,
  useEmulator,
} from '#emulator-test/support/emulator-fixture.ts';

// A frozen clock puts every call of a test in the same one-second window.
const clock = movableClock();
const emu = useEmulator({ now: clock.now });

/**
 * Each action with a call the emulator refuses after counting it (unknown ids), so only the limit
 * decides between the documented error and RequestLimitExceeded.
 */
const CASES: [action: string, params: Record<string, unknown>, limit: number][] = [
  ['CreateReadOnlyGroup', { MasterDBInstanceId: 'postgres-nothere', Name: 'g' }, 100],
  [
    'AddDBInstanceToReadOnlyGroup',
    { DBInstanceId: 'pgro-nothere1', ReadOnlyGroupId: 'pgrogrp-nothere1' },
    100,
  ],
  [
    'RemoveDBInstanceFromReadOnlyGroup',
    { DBInstanceId: 'pgro-nothere1', ReadOnlyGroupId: 'pgrogrp-nothere1' },
    100,
  ],
  ['ModifyReadOnlyGroupConfig', { ReadOnlyGroupId: 'pgrogrp-nothere1' }, 100],
  ['DeleteReadOnlyGroup', { ReadOnlyGroupId: 'pgrogrp-nothere1' }, 100],
  ['IsolateDBInstances', { DBInstanceIdSet: ['pgro-nothere1'] }, 100],
  ['DisIsolateDBInstances', { DBInstanceIdSet: ['pgro-nothere1'] }, 100],
  ['ModifyDBInstanceDeletionProtection', { DBInstanceId: 'pgro-nothere1', DeletionProtection: true }, 100],
  ['DestroyDBInstance', { DBInstanceId: 'pgro-nothere1' }, 50],
  ['DescribeTasks', { TaskId: 1 }, 1000],
];

describe('rate limits of the fleet actions (per action and SecretId, one-second windows)', () => {
  it.each(CASES)(
    'allows %s %j up to %i calls a second and refuses the next one',
    async (action, params, limit) => {
      clock.advance(1000);
      const client = sdkClient(emu.current);
      const outcomes: string[] = [];
      for (let i = 0; i <= limit; i++) {
        outcomes.push(
          await client.request(action, params).then(
            () => 'ok',
            (error: SdkError) => error.code ?? 'network',
          ),
        );
      }

      expect(outcomes.slice(0, limit).filter((o) => o === 'RequestLimitExceeded')).toEqual([]);
      expect(outcomes[limit]).toBe('RequestLimitExceeded');
      expect(emu.current.calls().byAction[action]?.outcomes.RequestLimitExceeded).toBe(1);
    },
  );

  it('counts each action on its own: a full IsolateDBInstances window leaves DestroyDBInstance free', async () => {
    clock.advance(1000);
    const client = sdkClient(emu.current);
    for (let i = 0; i < 101; i++)
      await client.IsolateDBInstances({ DBInstanceIdSet: ['pgro-nothere1'] }).catch(() => {});
    const destroy = await client
      .DestroyDBInstance({ DBInstanceId: 'pgro-nothere1' })
      .catch((e: SdkError) => e.code);

    expect(emu.current.calls().byAction.IsolateDBInstances?.outcomes.RequestLimitExceeded).toBe(1);
    expect(destroy).toBe('ResourceNotFound.InstanceNotFoundError');
  });

  it('reports the documented limits through GET /_emulator/rate-limits', () => {
    const limits = emu.current.setRateLimits({}).limits;

    expect(limits).toMatchObject({ DestroyDBInstance: 50, IsolateDBInstances: 100, DescribeTasks: 1000 });
  });
});
