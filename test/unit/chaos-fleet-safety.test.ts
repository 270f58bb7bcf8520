import type { EmulatorInstance } from '@replica-flow/tencent-emulator/emulator.ts';
import type { MutationEntry, MutationTarget } from '@replica-flow/tencent-emulator/mutation-journal.ts';
import { describe, expect, it } from 'vitest';
import { fleetSafetyCounters } from '#local/chaos/fleet-safety.ts';
import { DEPLOYMENT_TAG_KEY } from '#shared/domain/deployment-identity.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';

const DEPLOYMENT = 'replica-flow-chaos';
const OURS = [{ TagKey: DEPLOYMENT_TAG_KEY, TagValue: DEPLOYMENT }];

const instance = (id: string, overrides: Partial<EmulatorInstance> = {}): EmulatorInstance =>
  ({
    id,
    primaryId: 'postgres-abcdef',
    tags: OURS,
    status: 'running',
    chargeType: 'POSTPAID_BY_HOUR',
    runningAt: 1000,
    isolatingAt: null,
    isolatedAt: null,
    offlineAt: null,
    ...overrides,
  }) as EmulatorInstance;

const target = (id: string, overrides: Partial<MutationTarget> = {}): MutationTarget => ({
  id,
  kind: 'replica',
  primaryId: 'postgres-abcdef',
  tags: OURS,
  chargeType: 'POSTPAID_BY_HOUR',
  statusBefore: 'running',
  ...overrides,
});

const call = (
  action: string,
  targets: MutationTarget[],
  overrides: Partial<MutationEntry> = {},
): MutationEntry => ({
  at: 5000,
  action,
  via: 'api',
  targets,
  applied: true,
  outcome: 'ok',
  ...overrides,
});

const removal = (requestId: string, instanceId: string, states: string[], trigger = 'api'): RequestRecord =>
  ({
    requestId,
    kind: 'removal',
    state: states.at(-1),
    removal: { trigger: { kind: trigger, role: 'submitter' }, target: { instanceId } },
    history: states.map((state) => ({ state, at: '2026-12-07T00:00:00.000Z' })),
  }) as unknown as RequestRecord;

const counters = (overrides: Partial<Parameters<typeof fleetSafetyCounters>[0]>) =>
  fleetSafetyCounters({
    mutations: [],
    instances: [],
    deployment: DEPLOYMENT,
    minReplicas: {},
    removals: [],
    ...overrides,
  });

describe('the chaos run’s fleet safety counters (from the emulator’s journal)', () => {
  it('counts nothing for a clean removal: one isolate, one destroy, one request', () => {
    const result = counters({
      mutations: [
        call('IsolateDBInstances', [target('pgro-a')]),
        call('DestroyDBInstance', [target('pgro-a')]),
      ],
      instances: [instance('pgro-a')],
      removals: [removal('r-1', 'pgro-a', ['RECEIVED', 'VALIDATED', 'ISOLATING', 'ISOLATED', 'DESTROYED'])],
    });

    expect(result).toEqual({
      foreignInstancesTouched: 0,
      primariesTouched: 0,
      removedBelowMinimum: 0,
      duplicateRemovals: 0,
    });
  });

  it('counts every call on an untagged or another deployment’s instance, refused or not', () => {
    const result = counters({
      mutations: [
        call('IsolateDBInstances', [target('pgro-hand', { tags: [] })], { applied: false, outcome: 'x' }),
        call('ModifyDBInstanceDeletionProtection', [
          target('pgro-other', { tags: [{ TagKey: DEPLOYMENT_TAG_KEY, TagValue: 'replica-flow-prod' }] }),
        ]),
        call('RemoveDBInstanceFromReadOnlyGroup', [target('pgro-other', { tags: [] })]),
      ],
    });

    expect(result.foreignInstancesTouched).toBe(2);
  });

  it('counts a primary named by a mutating call, and not an out-of-band deletion', () => {
    const result = counters({
      mutations: [
        call('IsolateDBInstances', [target('postgres-abcdef', { kind: 'primary', tags: [] })], {
          applied: false,
        }),
        call('DestroyDBInstance', [target('pgro-gone', { tags: [] })], { via: 'out-of-band' }),
      ],
    });

    expect(result).toMatchObject({ primariesTouched: 1, foreignInstancesTouched: 0 });
  });

  it('counts a second applied isolate or destroy of one instance, and two requests acting on one replica', () => {
    const result = counters({
      mutations: [
        call('IsolateDBInstances', [target('pgro-a')]),
        call('IsolateDBInstances', [target('pgro-a')]),
        call('IsolateDBInstances', [target('pgro-a')], { applied: false, outcome: 'OperationDenied' }),
        call('DestroyDBInstance', [target('pgro-a')]),
        call('DestroyDBInstance', [target('pgro-a')]),
      ],
      removals: [
        removal('r-1', 'pgro-a', ['RECEIVED', 'VALIDATED', 'DRAINING']),
        removal('r-2', 'pgro-a', ['RECEIVED', 'VALIDATED', 'ISOLATING']),
        removal('r-3', 'pgro-a', ['RECEIVED', 'SUPPRESSED']),
      ],
    });

    expect(result.duplicateRemovals).toBe(3);
  });

  it('counts an isolation nobody asked for that takes a primary below its minimum', () => {
    const result = counters({
      mutations: [call('IsolateDBInstances', [target('pgro-a')])],
      instances: [instance('pgro-a', { isolatingAt: 5000 }), instance('pgro-b', { isolatingAt: 3000 })],
      minReplicas: { 'postgres-abcdef': 1 },
    });

    expect(result.removedBelowMinimum).toBe(1);
  });

  it('does not count it while enough replicas still run, nor when a person’s removal asked for it', () => {
    const enough = counters({
      mutations: [call('IsolateDBInstances', [target('pgro-a')])],
      instances: [instance('pgro-a', { isolatingAt: 5000 }), instance('pgro-b')],
      minReplicas: { 'postgres-abcdef': 1 },
    });
    const asked = counters({
      mutations: [call('IsolateDBInstances', [target('pgro-a')])],
      instances: [instance('pgro-a', { isolatingAt: 5000 })],
      minReplicas: { 'postgres-abcdef': 1 },
      removals: [removal('r-1', 'pgro-a', ['RECEIVED', 'VALIDATED', 'ISOLATING'])],
    });
    const byAlert = counters({
      mutations: [call('IsolateDBInstances', [target('pgro-a')])],
      instances: [instance('pgro-a', { isolatingAt: 5000 })],
      minReplicas: { 'postgres-abcdef': 1 },
      removals: [removal('r-1', 'pgro-a', ['RECEIVED', 'VALIDATED', 'ISOLATING'], 'alert')],
    });

    expect(enough.removedBelowMinimum).toBe(0);
    expect(asked.removedBelowMinimum).toBe(0);
    expect(byAlert.removedBelowMinimum).toBe(1);
  });

  it('counts a scale-in step’s isolation below the minimum even when a person’s removal of that replica was refused', () => {
    const result = counters({
      mutations: [call('IsolateDBInstances', [target('pgro-a')])],
      instances: [instance('pgro-a', { isolatingAt: 5000 })],
      minReplicas: { 'postgres-abcdef': 1 },
      removals: [
        removal('r-person', 'pgro-a', ['RECEIVED', 'SUPPRESSED']),
        removal('r-scale-in', 'pgro-a', ['RECEIVED', 'VALIDATED', 'ISOLATING'], 'alert'),
      ],
    });

    expect(result.removedBelowMinimum).toBe(1);
  });
});
