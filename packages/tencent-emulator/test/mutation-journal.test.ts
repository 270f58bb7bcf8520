import { describe, expect, it } from 'vitest';
import { sdkClient, sdkFailure, useEmulator } from '#emulator-test/support/emulator-fixture.ts';
import { attributeOf, createReplica, FLEET_TIMINGS, rewindingClock } from '#emulator-test/support/fleet.ts';
import { control } from '#emulator-test/support/raw-request.ts';

const clock = rewindingClock();
const emu = useEmulator({ now: clock.now, timings: FLEET_TIMINGS });

describe('the mutation journal (/_emulator/mutations)', () => {
  it('records every instance-changing call with its targets as they were, applied or refused', async () => {
    const id = await createReplica(emu.current, { Tags: [{ TagKey: 'owner', TagValue: 'team-a' }] });
    const client = sdkClient(emu.current);
    await client.IsolateDBInstances({ DBInstanceIdSet: [id] });
    await sdkFailure(client.IsolateDBInstances({ DBInstanceIdSet: ['postgres-abcdef'] }));
    await client.DescribeDBInstances({});

    const { json } = await control(emu.current, 'GET', '/mutations');

    expect(json.mutations).toEqual([
      expect.objectContaining({
        action: 'IsolateDBInstances',
        via: 'api',
        applied: true,
        outcome: 'ok',
        targets: [
          expect.objectContaining({
            id,
            kind: 'replica',
            primaryId: 'postgres-abcdef',
            tags: [{ TagKey: 'owner', TagValue: 'team-a' }],
            chargeType: 'POSTPAID_BY_HOUR',
            statusBefore: 'running',
          }),
        ],
      }),
      expect.objectContaining({
        action: 'IsolateDBInstances',
        applied: false,
        outcome: 'OperationDenied.InstanceAccessDeniedError',
        targets: [expect.objectContaining({ id: 'postgres-abcdef', kind: 'primary' })],
      }),
    ]);
  });

  it('counts a call whose answer was lost as applied, and one refused by a gateway fault as not', async () => {
    const id = await createReplica(emu.current);
    emu.current.addFaults({
      rules: [{ action: 'IsolateDBInstances', sequence: ['HTTP502', 'LostResponse'] }],
    });
    const client = sdkClient(emu.current);
    await sdkFailure(client.IsolateDBInstances({ DBInstanceIdSet: [id] }));
    await sdkFailure(client.IsolateDBInstances({ DBInstanceIdSet: [id] }));

    expect(emu.current.mutations().map(({ outcome, applied }) => ({ outcome, applied }))).toEqual([
      { outcome: 'HTTP502', applied: false },
      { outcome: 'LostResponse', applied: true },
    ]);
  });

  it('deletes a replica out of band: offline at once, journaled as out-of-band; a primary is refused', async () => {
    const id = await createReplica(emu.current);

    const deleted = await control(emu.current, 'POST', '/out-of-band-deletions', { DBInstanceId: id });
    const primary = await control(emu.current, 'POST', '/out-of-band-deletions', {
      DBInstanceId: 'postgres-abcdef',
    });
    const unknownField = await control(emu.current, 'POST', '/out-of-band-deletions', { Id: id });

    expect(deleted.status).toBe(200);
    expect((await attributeOf(emu.current, id))?.DBInstanceStatus).toBe('offline');
    expect(primary.status).toBe(404);
    expect(unknownField.status).toBe(400);
    expect(emu.current.mutations()).toEqual([
      expect.objectContaining({ via: 'out-of-band', action: 'DestroyDBInstance', applied: true }),
    ]);
  });

  it('forgets its entries on reset', async () => {
    const id = await createReplica(emu.current);
    emu.current.deleteOutOfBand(id);

    emu.current.reset();

    expect(emu.current.mutations()).toEqual([]);
  });
});
