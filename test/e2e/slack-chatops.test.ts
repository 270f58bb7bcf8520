import { randomBytes, randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followRequest } from '#local/cli/api-client.ts';
import { SEED_EXAMPLE_REQUEST } from '#local/cli/demo-command.ts';
import { REQUEST_TAG_KEY, requestIdFor } from '#shared/domain/idempotency.ts';
import { policyFixturePath } from '#test/fixtures/policies.ts';
import { type StackFixture, startStackFixture } from '#test/support/local-stack-fixture.ts';
import { slackFormBody, slackSignatureHeaders, slashCommandFields } from '#test/support/signed-sources.ts';
import { type SlackStub, startSlackStub } from '#test/support/slack-stub.ts';

const SIGNING_SECRET = 'e2e-slack-signing-secret-7d1f0c9a';
const FORM = 'application/x-www-form-urlencoded';

interface SlackAnswer {
  readonly response_type: string;
  readonly text: string;
}

/** A sample command with a trigger id of its own (each real command has a new one). */
const freshCommand = (file: string, overrides: Record<string, string> = {}) =>
  slashCommandFields(file, {
    trigger_id: `${randomInt(1e12, 9e12)}.5712338462.${randomBytes(16).toString('hex')}`,
    ...overrides,
  });

const requestIdOf = (fields: Record<string, string>) =>
  requestIdFor(`slack:${fields.team_id}`, `slack:${fields.team_id}:${fields.trigger_id}`);

describe('Slack slash commands, end to end through the local stack', () => {
  let fixture: StackFixture;
  let slack: SlackStub;

  const post = (body: string, headers: Record<string, string>) =>
    fetch(new URL('/v1/chatops/slack', fixture.stack.ingressUrl), {
      method: 'POST',
      headers: { 'content-type': FORM, ...headers },
      body,
    });

  /** POSTs a command signed as Slack signs it (now, unless `timestamp` says otherwise). */
  const command = (fields: Record<string, string>, options: { secret?: string; timestamp?: number } = {}) => {
    const body = slackFormBody(fields);
    return post(body, slackSignatureHeaders(options.secret ?? SIGNING_SECRET, body, options.timestamp));
  };

  const answerOf = async (response: Response): Promise<SlackAnswer> => {
    expect(response.status).toBe(200);
    return (await response.json()) as SlackAnswer;
  };

  const recorded = (requestId: string) => fixture.stack.dependencies.store.get(requestId);

  const replicasTagged = (requestId: string) =>
    (fixture.stack.emulator?.instances() ?? []).filter((instance) =>
      instance.tags.some((tag) => tag.TagKey === REQUEST_TAG_KEY && tag.TagValue === requestId),
    );

  beforeAll(async () => {
    slack = await startSlackStub();
    fixture = await startStackFixture({
      policyFile: policyFixturePath('chatops.yaml'),
      slack: { signingSecret: SIGNING_SECRET, botToken: slack.botToken, apiUrl: slack.apiUrl },
      // A short retry window keeps notify's retry delays (spread over the window) to seconds.
      settings: { webhookRetryWindowMs: 120_000 },
    });
  });
  afterAll(async () => {
    await fixture?.close();
    await slack?.close();
  });

  it('answers /replica add at once with the request id, makes the replica, and posts it in the channel', async () => {
    const fields = freshCommand('slash-command-add.json');
    const requestId = requestIdOf(fields);

    const started = Date.now();
    const answer = await answerOf(await command(fields));
    const answeredInMs = Date.now() - started;
    const view = await followRequest(fixture.api, requestId, { timeoutMs: 30_000, intervalMs: 200 });
    const message = await slack.waitFor((candidate) => candidate.text.includes(requestId), 5000);

    expect(answeredInMs).toBeLessThan(3000);
    expect(answer).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining(requestId) });
    expect(view.state).toBe('READY');
    expect(view.requester).toEqual({
      source: 'slack',
      identity: 'U0SRE0001',
      displayName: 'mei.lin',
      context: {
        team: 'T0RFTEAM1',
        teamDomain: 'acme-platform',
        channel: 'C0DBOPS01',
        channelName: 'db-ops',
        command: `/replica ${fields.text}`,
      },
    });
    const [instance] = view.instances as { instanceId: string; privateIp: string; port: number }[];
    expect(message).toMatchObject({ via: 'chat.postMessage', channel: 'C0DBOPS01' });
    for (const part of [
      'postgres-abcdef',
      instance?.instanceId,
      `${instance?.privateIp}:${instance?.port}`,
      'Elapsed',
    ]) {
      expect(message.text).toContain(part);
    }
    expect(view.notification).toMatchObject({
      status: 'DELIVERED',
      deliveredTargets: ['slack'],
      attempts: [expect.objectContaining({ target: 'slack', ok: true })],
    });
    expect(replicasTagged(requestId)).toHaveLength(1);
  });

  it('gives a command its own request and replica even when an API call used its key first', async () => {
    const fields = freshCommand('slash-command-add.json');
    const requestId = requestIdOf(fields);
    const claim = await fixture.post(
      '/v1/replica-requests',
      JSON.stringify({ ...SEED_EXAMPLE_REQUEST, dryRun: true }),
      {
        'idempotency-key': `slack:${fields.team_id}:${fields.trigger_id}`,
      },
    );
    const claimed = (await claim.json()) as { requestId: string };

    const answer = await answerOf(await command(fields));
    const view = await followRequest(fixture.api, requestId, { timeoutMs: 30_000, intervalMs: 200 });

    expect(claim.status).toBe(202);
    expect(claimed.requestId).not.toBe(requestId);
    expect(answer.text).toContain(requestId);
    expect(answer.text).not.toContain('already received');
    expect(view).toMatchObject({ state: 'READY', requester: { source: 'slack', identity: 'U0SRE0001' } });
    expect(replicasTagged(requestId)).toHaveLength(1);
  });

  it('makes one replica when the same signed command arrives twice inside the window', async () => {
    const fields = freshCommand('slash-command-add.json', { text: 'add postgres-bjorder1' });
    const requestId = requestIdOf(fields);
    const body = slackFormBody(fields);
    const headers = slackSignatureHeaders(SIGNING_SECRET, body);

    const [first, second] = await Promise.all([post(body, headers), post(body, headers)]);
    const third = await answerOf(await post(body, headers));
    await followRequest(fixture.api, requestId, { timeoutMs: 30_000, intervalMs: 200 });

    expect((await answerOf(first)).text).toContain(requestId);
    expect((await answerOf(second)).text).toContain(requestId);
    expect(third.text).toContain('already received');
    expect(replicasTagged(requestId)).toHaveLength(1);
    expect(slack.messages.filter((message) => message.text.includes(requestId))).toHaveLength(1);
  });

  it('refuses a wrong, missing or stale signature, and a captured command replayed after the window, recording nothing', async () => {
    const fields = freshCommand('slash-command-add.json');
    const body = slackFormBody(fields);
    const now = Math.floor(Date.now() / 1000);
    const captured = slackSignatureHeaders(SIGNING_SECRET, body, now - 6 * 60);

    const answers = await Promise.all([
      command(fields, { secret: 'not-the-signing-secret-000000000' }),
      post(body, {}),
      post(body, { 'x-slack-request-timestamp': String(now) }),
      command(fields, { timestamp: now - 301 }),
      post(body, captured),
    ]);

    for (const response of answers) {
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        error: { code: 'UNAUTHORIZED', message: 'Missing or invalid credentials' },
      });
    }
    expect(await recorded(requestIdOf(fields))).toBeUndefined();
  });

  it('answers grammar, schema and authorization problems at once and records nothing', async () => {
    const cases = [
      freshCommand('slash-command-add.json', { text: 'add postgres-abcdef storage=ten sizes=2' }),
      freshCommand('slash-command-add.json', { text: 'add postgres-abcdef storage=105' }),
      freshCommand('slash-command-add.json', { user_id: 'U0INTERN1' }),
      freshCommand('slash-command-add.json', { channel_id: 'C0RANDOM1' }),
      freshCommand('slash-command-add.json', { text: 'add postgres-sgsearch' }),
    ];

    const answers = await Promise.all(
      cases.map(async (fields) => (await answerOf(await command(fields))).text),
    );

    expect(answers[0]).toMatch(
      /Nothing was requested[\s\S]*`storage`: must be a whole number of GB[\s\S]*`sizes`: unknown option "sizes=2"/,
    );
    expect(answers[1]).toMatch(/`storage`: .*multiple of 10/);
    expect(answers[2]).toContain('<@U0INTERN1> may not request replicas of postgres-abcdef');
    expect(answers[3]).toContain('can only be requested in <#C0DBOPS01>');
    expect(answers[4]).toContain('cannot be requested from Slack');
    for (const fields of cases) expect(await recorded(requestIdOf(fields))).toBeUndefined();
  });

  it('posts a dry run and a policy rejection in the channel too', async () => {
    const dryRun = freshCommand('slash-command-add-dry-run.json');
    const rejected = freshCommand('slash-command-add.json', { text: 'add postgres-bjorder1 storage=5000' });

    await Promise.all([command(dryRun), command(rejected)]);
    const dryRunView = await followRequest(fixture.api, requestIdOf(dryRun), {
      timeoutMs: 30_000,
      intervalMs: 200,
    });
    const rejectedView = await followRequest(fixture.api, requestIdOf(rejected), {
      timeoutMs: 30_000,
      intervalMs: 200,
    });
    const dryRunMessage = await slack.waitFor((message) => message.text.includes(requestIdOf(dryRun)), 5000);
    const rejectedMessage = await slack.waitFor(
      (message) => message.text.includes(requestIdOf(rejected)),
      5000,
    );

    expect(dryRunView.state).toBe('DRY_RUN');
    expect(dryRunMessage.text).toMatch(
      /Dry run for \*postgres-abcdef\*[\s\S]*Would create:\* 2 × `pg.it.small2`, 200 GB/,
    );
    // The emulator's price list: 2 × (18000 + 16000 fen a month), postpaid an hour, 10 % off.
    expect(dryRunMessage.text).toContain('*Price:* CNY 0.87 an hour (list CNY 0.96)');
    expect(dryRunView.price).toMatchObject({ discountedMinor: 87, originalMinor: 96, per: 'PT1H' });
    expect(rejectedView.state).toBe('REJECTED');
    expect(rejectedMessage.text).toMatch(
      /was rejected[\s\S]*Storage 5000 GB is above the policy's maximum of 2000 GB/,
    );
  });

  it('retries the Slack post through the notify queue when Slack fails, and posts it once', async () => {
    const fields = freshCommand('slash-command-add.json', { text: 'add postgres-bjorder1 --dry-run' });
    const requestId = requestIdOf(fields);
    slack.failNext(1, { error: 'ratelimited' });

    await command(fields);
    const view = await followRequest(fixture.api, requestId, { timeoutMs: 50_000, intervalMs: 200 });

    expect(view.notification?.status).toBe('DELIVERED');
    expect(view.notification?.attempts.map((attempt) => [attempt.target, attempt.ok, attempt.error])).toEqual(
      [
        ['slack', false, 'Slack error: ratelimited'],
        ['slack', true, undefined],
      ],
    );
    expect(slack.messages.filter((message) => message.text.includes(requestId))).toHaveLength(1);
  }, 60_000);

  it('answers /replica status to its requester and /replica help, and hides a request from others', async () => {
    const fields = freshCommand('slash-command-add.json');
    const requestId = requestIdOf(fields);
    await command(fields);
    await followRequest(fixture.api, requestId, { timeoutMs: 30_000, intervalMs: 200 });

    const status = await answerOf(
      await command(freshCommand('slash-command-status.json', { text: `status ${requestId}` })),
    );
    const hidden = await answerOf(
      await command(
        freshCommand('slash-command-status.json', { text: `status ${requestId}`, user_id: 'U0INTERN1' }),
      ),
    );
    const help = await answerOf(await command(freshCommand('slash-command-help.json')));

    expect(status.text).toMatch(
      new RegExp(`Request \`${requestId}\` for \\*postgres-abcdef\\*: \\*READY\\*`),
    );
    expect(status.text).toMatch(/`pgro-[a-z0-9]{8}` running at `[\d.]+:5432`/);
    expect(hidden.text).toBe(`No request \`${requestId}\` that you may see.`);
    expect(help).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('/replica add <primary>'),
    });
  });

  it('answers a malformed signed body with 400, another content type with 415 and a huge body with 413; never 500', async () => {
    const { team_id: _team, ...missingTeam } = freshCommand('slash-command-add.json');
    const huge = slackFormBody(
      freshCommand('slash-command-add.json', { text: `add postgres-abcdef ${'x'.repeat(40_000)}` }),
    );
    const json = JSON.stringify(freshCommand('slash-command-add.json'));

    const malformed = await command(missingTeam);
    const notAForm = await post(json, {
      ...slackSignatureHeaders(SIGNING_SECRET, json),
      'content-type': 'application/json',
    });
    const tooLarge = await post(huge, slackSignatureHeaders(SIGNING_SECRET, huge));

    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({
      error: { code: 'BAD_REQUEST', issues: [{ field: 'team_id', message: 'required' }] },
    });
    expect(notAForm.status).toBe(415);
    expect(tooLarge.status).toBe(413);
  });
});
