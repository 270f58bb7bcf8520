import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followRequest } from '#local/cli/api-client.ts';
import { SEED_EXAMPLE_REQUEST } from '#local/cli/demo-command.ts';
import type { RequestView } from '#shared/use-cases/request-view.ts';
import { policyFixturePath } from '#test/fixtures/policies.ts';
import { eventually } from '#test/support/eventually.ts';
import { type StackFixture, startStackFixture } from '#test/support/local-stack-fixture.ts';

/**
 * Removal through the whole local stack: the API, validate, the create queue's worker, the poller,
 * the emulator (real SDK) and a verifying webhook receiver. The fixture policy destroys replicas
 * once isolated (`scaleIn.destroy: immediate`).
 */
describe('removing a replica through the local stack', () => {
  let fixture: StackFixture;

  const removeCall = async (body: Record<string, unknown>, idempotencyKey: string) => {
    const response = await fetch(new URL('/v1/replica-removals', fixture.stack.ingressUrl), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${fixture.stack.credentials.apiKey}`,
        'content-type': 'application/json',
        'idempotency-key': idempotencyKey,
      },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  const removalView = async (requestId: string): Promise<RequestView> => {
    const response = await fetch(new URL(`/v1/replica-removals/${requestId}`, fixture.stack.ingressUrl), {
      headers: { authorization: `Bearer ${fixture.stack.credentials.apiKey}` },
    });
    return (await response.json()) as RequestView;
  };

  const settled = (requestId: string, timeoutMs: number) =>
    eventually(
      `removal ${requestId} to end`,
      () => removalView(requestId),
      (view) =>
        ['DESTROYED', 'REMOVED', 'REMOVAL_FAILED', 'REJECTED', 'SUPPRESSED', 'DRY_RUN'].includes(view.state),
      { timeoutMs },
    );

  /** Calls of the actions that change an instance, as the emulator counted them. */
  const mutatingCalls = () => {
    const byAction = fixture.stack.emulator?.calls().byAction ?? {};
    return Object.fromEntries(
      [
        'IsolateDBInstances',
        'DestroyDBInstance',
        'RemoveDBInstanceFromReadOnlyGroup',
        'ModifyDBInstanceDeletionProtection',
      ].map((action) => [action, byAction[action]?.total ?? 0]),
    );
  };

  beforeAll(async () => {
    fixture = await startStackFixture({
      policyFile: policyFixturePath('removals.yaml'),
      pollIntervalMs: 300,
    });
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it('creates a replica, then removes it: leaves its group, isolates, destroys, replica.removed verified', async () => {
    const created = await fixture.api.submit(SEED_EXAMPLE_REQUEST, `create-${randomUUID()}`);
    const ready = await followRequest(fixture.api, created.requestId, { timeoutMs: 30_000, intervalMs: 200 });
    expect(ready.state).toBe('READY');
    const replicaId = ready.instances[0]?.instanceId ?? '';
    // A create without ReadOnlyGroupId puts the replica in a new group of its own (as Tencent does).
    const groupBefore = fixture.stack.emulator
      ?.instances()
      .find((candidate) => candidate.id === replicaId)?.readOnlyGroupId;
    expect(groupBefore).toMatch(/^pgrogrp-/);

    const answer = await removeCall(
      {
        MasterDBInstanceId: SEED_EXAMPLE_REQUEST.MasterDBInstanceId,
        callback: { url: fixture.receiver.url },
      },
      `remove-${randomUUID()}`,
    );
    expect(answer.status).toBe(202);
    expect(answer.body.statusUrl).toBe(`/v1/replica-removals/${answer.body.requestId}`);

    const view = await settled(String(answer.body.requestId), 60_000);
    expect(view).toMatchObject({
      kind: 'removal',
      state: 'DESTROYED',
      removal: { target: { instanceId: replicaId } },
    });
    expect(view.history.map((entry) => entry.state)).toEqual([
      'RECEIVED',
      'VALIDATED',
      'DRAINING',
      'ISOLATING',
      'ISOLATED',
      'DESTROYED',
    ]);
    // It left its group first (the leave task waited for), then was isolated and destroyed.
    expect(view.removal?.target?.readOnlyGroupId).toBe(groupBefore);
    // The bench number: Tencent calls this removal made (validate's read, each step's reads and calls).
    expect(view.removal?.tencentCalls).toBeGreaterThan(0);
    console.info(
      `removal ${answer.body.requestId}: ${view.removal?.tencentCalls} Tencent calls; ${view.history.map((entry) => `${entry.state}${entry.note ? ` (${entry.note})` : ''}`).join(' → ')}`,
    );
    const webhook = await fixture.receiver.waitFor(String(answer.body.requestId), 15_000);
    expect(webhook.payload).toMatchObject({
      type: 'replica.removed',
      data: { state: 'DESTROYED', removal: { DBInstanceId: replicaId } },
    });
    const instance = fixture.stack.emulator?.instances().find((candidate) => candidate.id === replicaId);
    // DestroyDBInstance: `offlining`, then `offline`.
    expect(instance?.status).toMatch(/^offlin(ing|e)$/);
    expect(instance?.readOnlyGroupId).toBe('');
  }, 120_000);

  it('refuses to remove an instance replica-flow did not create: REJECTED removal.foreignInstance, untouched', async () => {
    const { DBInstanceIdSet = [] } = await fixture.stack.dependencies.tencent.createReadOnlyDBInstance(
      SEED_EXAMPLE_REQUEST.Region,
      {
        Zone: SEED_EXAMPLE_REQUEST.Zone,
        MasterDBInstanceId: SEED_EXAMPLE_REQUEST.MasterDBInstanceId,
        SpecCode: SEED_EXAMPLE_REQUEST.SpecCode,
        Storage: SEED_EXAMPLE_REQUEST.Storage,
        InstanceCount: 1,
        Period: 1,
        VpcId: SEED_EXAMPLE_REQUEST.VpcId,
        SubnetId: SEED_EXAMPLE_REQUEST.SubnetId,
        InstanceChargeType: 'POSTPAID_BY_HOUR',
        Name: 'made-by-hand',
      },
    );
    const foreignId = DBInstanceIdSet[0] ?? '';
    const instanceOf = () =>
      fixture.stack.emulator?.instances().find((candidate) => candidate.id === foreignId);
    await eventually(`${foreignId} to run`, instanceOf, (instance) => instance?.status === 'running', {
      timeoutMs: 30_000,
    });
    const before = { calls: mutatingCalls(), instance: instanceOf() };

    const answer = await removeCall(
      {
        MasterDBInstanceId: SEED_EXAMPLE_REQUEST.MasterDBInstanceId,
        DBInstanceId: foreignId,
        callback: { url: fixture.receiver.url },
      },
      `foreign-${randomUUID()}`,
    );
    const view = await settled(String(answer.body.requestId), 30_000);

    expect(view).toMatchObject({
      state: 'REJECTED',
      violations: [expect.objectContaining({ rule: 'removal.foreignInstance', field: 'DBInstanceId' })],
    });
    const webhook = await fixture.receiver.waitFor(String(answer.body.requestId), 15_000);
    expect(webhook.payload.type).toBe('replica.removal_suppressed');
    expect(mutatingCalls()).toEqual(before.calls);
    expect(instanceOf()).toMatchObject({
      status: 'running',
      readOnlyGroupId: before.instance?.readOnlyGroupId,
      deletionProtection: before.instance?.deletionProtection,
    });
  }, 90_000);

  it('names the field and rule of a bad removal body (400), and hides another kind of request (404)', async () => {
    const bad = await removeCall(
      { MasterDBInstanceId: 'postgres-abcdef', DBInstanceId: 'nope' },
      `bad-${randomUUID()}`,
    );
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('DBInstanceId');

    const created = await fixture.api.submit(
      { ...SEED_EXAMPLE_REQUEST, dryRun: true },
      `dry-${randomUUID()}`,
    );
    const response = await fetch(
      new URL(`/v1/replica-removals/${created.requestId}`, fixture.stack.ingressUrl),
      {
        headers: { authorization: `Bearer ${fixture.stack.credentials.apiKey}` },
      },
    );
    expect(response.status).toBe(404);
  });
});
