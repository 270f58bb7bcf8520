import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import { pollInFlight, SETTLE_CONCURRENCY } from '#shared/use-cases/poll-in-flight.ts';
import { corePorts, creationOf, validatedRecord } from '#test/support/core-harness.ts';
import { describeFrom, replica } from '#test/support/scripted-tencent.ts';

/** `count` PROVISIONING records, each with one replica that Tencent now reports running. */
const runningReplicas = (count: number) => {
  const ports = corePorts();
  const replicas = [];
  for (let index = 0; index < count; index++) {
    const base = validatedRecord('PROVISIONING');
    const id = `pgro-${index}`;
    const record: RequestRecord = {
      ...base,
      creation: creationOf(base.requestId, { dealNames: [`deal-${index}`], instanceIds: [id] }),
    };
    ports.store.records.set(record.requestId, record);
    replicas.push(replica(id, 'running'));
  }
  ports.tencent.otherwise('describeDBInstances', describeFrom(replicas));
  return ports;
};

describe('a poll cycle settling the records Tencent answered for', () => {
  it('writes their transitions side by side, not one store round trip after another', async () => {
    const ports = runningReplicas(40);
    const transition = ports.store.transition.bind(ports.store);
    let writing = 0;
    let mostAtOnce = 0;
    ports.store.transition = async (command) => {
      writing += 1;
      mostAtOnce = Math.max(mostAtOnce, writing);
      try {
        await new Promise((resolve) => setImmediate(resolve));
        return await transition(command);
      } finally {
        writing -= 1;
      }
    };

    const report = await pollInFlight({
      ...ports,
      visibilityGraceMs: 60_000,
      requeueAfterMs: 3_600_000,
      lockMs: 30_000,
    });

    expect(report.transitions.READY).toBe(40);
    expect(mostAtOnce).toBe(SETTLE_CONCURRENCY);
    const states = [...ports.store.records.values()].map((record) => record.state);
    expect(states.every((state) => state === 'READY')).toBe(true);
  });

  it('lets the writes already started finish when one fails, then fails the cycle with its error', async () => {
    const ports = runningReplicas(5);
    const transition = ports.store.transition.bind(ports.store);
    const [firstId] = [...ports.store.records.keys()];
    ports.store.transition = async (command) => {
      if (command.requestId === firstId) throw new Error('store unavailable');
      return transition(command);
    };

    await expect(
      pollInFlight({ ...ports, visibilityGraceMs: 60_000, requeueAfterMs: 3_600_000, lockMs: 30_000 }),
    ).rejects.toThrow('store unavailable');
    const states = [...ports.store.records.values()].map((record) => record.state);
    expect(states.filter((state) => state === 'READY')).toHaveLength(4);
  });
});
