import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { SEED_EXAMPLE_1_BODY } from '@replica-flow/tencent-emulator/seed-example.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followRequest } from '#local/cli/api-client.ts';
import { SEED_EXAMPLE_REQUEST } from '#local/cli/demo-command.ts';
import { DEPLOYMENT_TAG_KEY } from '#shared/domain/deployment-identity.ts';
import { REQUEST_TAG_KEY } from '#shared/domain/idempotency.ts';
import { parseApiKeys } from '#shared/http/api-keys.ts';
import type { FleetView } from '#shared/use-cases/fleet-view.ts';
import { policyFixturePath } from '#test/fixtures/policies.ts';
import { eventually } from '#test/support/eventually.ts';
import { type StackFixture, startStackFixture } from '#test/support/local-stack-fixture.ts';

const run = promisify(execFile);
const PRIMARY = 'postgres-abcdef';
const DEPLOYMENT = 'replica-flow-fleet-e2e';
const SUBMITTER_KEY = 'submitter-key-0123456789abcdef';

/** Runs `npx replica-flow …` (bin/replica-flow.js) and answers its exit code and output. */
const cli = async (args: string[]) => {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/replica-flow.js', ...args], {
      env: { ...process.env, LOG_LEVEL: 'SILENT' },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
};

/**
 * The fleet view through the whole local stack (test/fixtures/policies/fleet.yaml): two requests
 * made READY by the workflow, one of their replicas removed out of band (isolated, then destroyed,
 * through the real SDK against the emulator), and one replica created with this deployment's tag
 * but no record. The seed plan costs CNY 0.34 an hour, CNY 248.20 a month.
 */
describe('the fleet view, end to end through the local stack', () => {
  let fixture: StackFixture;
  let kept: string;
  let removed: string;
  let orphan: string;
  let requestIds: string[];

  const fleetOf = async (): Promise<FleetView> => fixture.api.fleet(PRIMARY);

  beforeAll(async () => {
    fixture = await startStackFixture({
      policyFile: policyFixturePath('fleet.yaml'),
      settings: { deployment: DEPLOYMENT },
      apiKeys: parseApiKeys(`viewer:${SUBMITTER_KEY}:submitter`),
    });
    const answers = await Promise.all(
      [1, 2].map(() => fixture.api.submit(SEED_EXAMPLE_REQUEST, `fleet-${randomUUID()}`)),
    );
    const views = await Promise.all(
      answers.map((answer) =>
        followRequest(fixture.api, answer.requestId, { timeoutMs: 60_000, intervalMs: 200 }),
      ),
    );
    requestIds = answers.map((answer) => answer.requestId);
    [kept, removed] = views.map((view) => view.instances?.[0]?.instanceId ?? '') as [string, string];

    const tencent = fixture.stack.dependencies.tencent;
    const region = SEED_EXAMPLE_REQUEST.Region;
    // Out of band: someone removes one replica in the console (recycle bin, then destroy).
    fixture.stack.emulator?.setTimings({ isolatingMs: 0, offliningMs: 600_000 });
    await tencent.isolateDBInstances(region, { DBInstanceIdSet: [removed] });
    await eventually(
      'the removed replica to be isolated',
      async () =>
        (
          await tencent.describeDBInstances(region, {
            Filters: [{ Name: 'db-instance-id', Values: [removed] }],
          })
        ).DBInstanceSet?.[0]?.DBInstanceStatus,
      (status) => status === 'isolated',
    );
    await tencent.destroyDBInstance(region, { DBInstanceId: removed });
    // And a replica carrying this deployment's tag that no record knows.
    const created = await tencent.createReadOnlyDBInstance(region, {
      ...SEED_EXAMPLE_1_BODY,
      SecurityGroupIds: [...SEED_EXAMPLE_1_BODY.SecurityGroupIds],
      Name: 'made-by-hand',
      Tags: [
        { TagKey: DEPLOYMENT_TAG_KEY, TagValue: DEPLOYMENT },
        { TagKey: REQUEST_TAG_KEY, TagValue: 'r-0000000000000000' },
      ],
    });
    orphan = created.DBInstanceIdSet?.[0] ?? '';
  }, 120_000);

  afterAll(async () => {
    await fixture?.close();
  });

  it('shows both replicas with their request, group, age and price, the drift, the orphan and the spend per budget', async () => {
    const view = await eventually('the orphan to be listed', fleetOf, (current) =>
      current.orphans.some((entry) => entry.instanceId === orphan),
    );

    expect(view.tencent).toEqual({ checked: true });
    expect(view.deployment).toBe(DEPLOYMENT);
    expect(view.replicas.map((replica) => replica.instanceId).sort()).toEqual([kept, removed].sort());
    expect(view.replicas.map((replica) => replica.requestId).sort()).toEqual([...requestIds].sort());
    const keptLine = view.replicas.find((replica) => replica.instanceId === kept);
    expect(keptLine).toMatchObject({
      state: 'READY',
      tencentStatus: 'running',
      price: {
        currency: 'CNY',
        per: 'PT1H',
        perHour: 0.34,
        perHourMinor: 34,
        perMonth: 248.2,
        perMonthMinor: 24_820,
      },
    });
    expect(keptLine?.ageSeconds).toBeGreaterThanOrEqual(0);
    expect(view.drift).toEqual([
      {
        requestId: requestIds[1],
        instanceId: removed,
        state: 'READY',
        tencentStatus: 'offlining',
      },
    ]);
    expect(view.orphans).toEqual([
      expect.objectContaining({ instanceId: orphan, requestTag: 'r-0000000000000000', recordState: 'gone' }),
    ]);
    // The records still count both replicas: drift is what tells an operator the money is wrong.
    expect(view.budgets).toEqual([
      expect.objectContaining({
        budget: 'budgets.global',
        used: 496.4,
        usedMinor: 49_640,
        ceilingMinor: 500_000,
      }),
      expect.objectContaining({
        budget: `budgets.perPrimary.${PRIMARY}`,
        used: 496.4,
        usedMinor: 49_640,
        remaining: 503.6,
        ceilingMinor: 100_000,
      }),
    ]);
    expect(view.policy).toMatchObject({
      minReplicas: 0,
      maxReplicas: 3,
      scaleIn: { enabled: true, cooldownSeconds: 900, stableForSeconds: 1800 },
    });
    // Tencent counts the running replica and the orphan; the destroyed one no longer.
    expect(view.policy.scaleOut.room).toBe(Math.max(0, 3 - (view.policy.scaleOut.listed ?? 99)));
  });

  it('prints the same through `replica-flow fleet --json`, and a table naming the orphan and the drift', async () => {
    const flags = ['--url', fixture.stack.ingressUrl, '--api-key', fixture.stack.credentials.apiKey];

    const json = await cli(['fleet', '--primary', PRIMARY, '--json', ...flags]);
    const text = await cli(['fleet', ...flags]);

    expect(json.code, json.stderr).toBe(0);
    const view = JSON.parse(json.stdout) as FleetView;
    expect(view.orphans.map((entry) => entry.instanceId)).toEqual([orphan]);
    expect(view.drift.map((entry) => entry.instanceId)).toEqual([removed]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`ORPHAN ${orphan}`);
    expect(text.stdout).toContain(`DRIFT ${removed}`);
    expect(text.stdout).toContain('CNY 248.20');
    expect(text.stdout).toContain(`budget budgets.perPrimary.${PRIMARY}: CNY 496.40 of CNY 1,000.00 a month`);
  });

  it('refuses a submitter key (403) and names the bad field of a bad primary id (400)', async () => {
    const asSubmitter = await fetch(new URL(`/v1/primaries/${PRIMARY}/replicas`, fixture.stack.ingressUrl), {
      headers: { authorization: `Bearer ${SUBMITTER_KEY}` },
    });
    const badId = await fetch(new URL('/v1/primaries/mysql-1/replicas', fixture.stack.ingressUrl), {
      headers: { authorization: `Bearer ${fixture.stack.credentials.apiKey}` },
    });
    const badRegion = await fetch(
      new URL(`/v1/primaries/${PRIMARY}/replicas?region=mars-1`, fixture.stack.ingressUrl),
      {
        headers: { authorization: `Bearer ${fixture.stack.credentials.apiKey}` },
      },
    );

    expect(asSubmitter.status).toBe(403);
    expect(badId.status).toBe(400);
    expect(JSON.stringify(await badId.json())).toContain('MasterDBInstanceId');
    expect(badRegion.status).toBe(400);
    expect(JSON.stringify(await badRegion.json())).toContain('Region');
  });

  it('refuses a bad flag with exit 2 naming it', async () => {
    const result = await cli(['fleet', '--primary', 'not a primary', '--url', fixture.stack.ingressUrl]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--primary');
  });
});
