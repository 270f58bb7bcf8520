import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import { createReplica } from '#shared/use-cases/create-replica.ts';
import { notification } from '#test/fixtures/request-records.ts';
import { corePorts, minutesFromStart, validatedRecord } from '#test/support/core-harness.ts';

describe('createReplica on an approved request', () => {
  it('still creates when its replica.approved notification is written between the read and the lease', async () => {
    const ports = corePorts();
    const record: RequestRecord = {
      ...validatedRecord('VALIDATED'),
      notification: notification('ENQUEUED', { type: 'replica.approved' }),
    };
    ports.store.records.set(record.requestId, record);
    ports.tencent.script('createReadOnlyDBInstance', { ok: { DBInstanceIdSet: ['pgro-approved1'] } });
    // The notify worker records its attempt (a version bump, state unchanged) right after create reads.
    const read = ports.store.get.bind(ports.store);
    let bumped = false;
    ports.store.get = async (requestId) => {
      const current = await read(requestId);
      if (!bumped && current) {
        bumped = true;
        await ports.store.update({
          requestId,
          expectedVersion: current.version,
          state: current.state,
          set: { notification: { ...notification('DELIVERED', { type: 'replica.approved' }) } },
          at: minutesFromStart(1),
        });
      }
      return current;
    };

    const outcome = await createReplica(record.requestId, { ...ports, leaseMs: 60_000 });

    expect(outcome).toBe('submitted');
    expect(ports.tencent.calls.filter((call) => call.method === 'createReadOnlyDBInstance')).toHaveLength(1);
    expect((await read(record.requestId))?.state).toBe('SUBMITTED');
  });

  it('stores the accepted answer when a notification write lands during the Tencent call, under the same lease', async () => {
    const ports = corePorts();
    const record: RequestRecord = {
      ...validatedRecord('VALIDATED'),
      notification: notification('ENQUEUED', { type: 'replica.approved' }),
    };
    ports.store.records.set(record.requestId, record);
    ports.tencent.script('createReadOnlyDBInstance', { ok: { DBInstanceIdSet: ['pgro-approved2'] } });
    // The notify worker records its attempt (a version bump, state CREATING kept) while Tencent answers.
    const afterCall = async (requestId: string) => {
      const current = await ports.store.get(requestId);
      if (!current) throw new Error('no record');
      await ports.store.update({
        requestId,
        expectedVersion: current.version,
        state: current.state,
        set: { notification: notification('DELIVERED', { type: 'replica.approved' }) },
        at: minutesFromStart(1),
      });
    };

    const result = await createReplica(record.requestId, { ...ports, leaseMs: 60_000, afterCall });

    expect(result).toBe('submitted');
    expect(ports.tencent.calls.filter((call) => call.method === 'createReadOnlyDBInstance')).toHaveLength(1);
    // Before: the answer's write lost to the notification's, and the record stayed CREATING until the
    // lease expired and reconciliation adopted the replica (a CI run saw it still CREATING after 20 s).
    expect((await ports.store.get(record.requestId))?.state).toBe('SUBMITTED');
  });
});
