import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '#test/support/eventually.ts';

// Every log line, down to DEBUG, is what this test reads (set before the logger is first imported).
process.env.LOG_LEVEL = 'DEBUG';

/** Everything the process writes to stdout and stderr while the run goes on (not printed). */
const captured: string[] = [];
const originals = { stdout: process.stdout.write, stderr: process.stderr.write };
const capture = (stream: NodeJS.WriteStream) =>
  ((chunk: unknown) => {
    captured.push(
      typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk),
    );
    return true;
  }) as typeof stream.write;

const { SEED_EXAMPLE_REQUEST } = await import('#local/cli/demo-command.ts');
const { followRequest } = await import('#local/cli/api-client.ts');
const { EMULATOR_CREDENTIALS } = await import('@replica-flow/tencent-emulator/credentials.ts');
const { redriveDeadLetters } = await import('#shared/use-cases/redrive-dead-letters.ts');
const { startStackFixture } = await import('#test/support/local-stack-fixture.ts');
type StackFixture = Awaited<ReturnType<typeof startStackFixture>>;

const SLACK_SECRET = `slack-signing-${randomUUID()}`;
const JIRA_SECRET = `jira-webhook-${randomUUID()}`;

const hmacHex = (secret: string, text: string) => createHmac('sha256', secret).update(text).digest('hex');

describe('log output of a full local run', () => {
  let fixture: StackFixture;

  beforeAll(async () => {
    process.stdout.write = capture(process.stdout);
    process.stderr.write = capture(process.stderr);
    fixture = await startStackFixture({
      pollIntervalMs: 200,
      slack: { signingSecret: SLACK_SECRET },
      jira: { webhookSecret: JIRA_SECRET, projects: ['OPS'] },
      settings: {
        visibilityGraceMs: 2000,
        webhookRetryWindowMs: 2000,
        retryBackoff: { baseSeconds: 1, maxSeconds: 1 },
      },
    });
  }, 30_000);
  afterAll(async () => {
    await fixture?.close();
    process.stdout.write = originals.stdout;
    process.stderr.write = originals.stderr;
  });

  it('holds none of the configured secrets, after successes, refusals, faults, retries and dead letters', async () => {
    const { apiKey, webhookSecret, alerts } = fixture.stack.credentials;
    const callback = { url: fixture.receiver.url };
    const post = (path: string, body: string, headers: Record<string, string>) =>
      fetch(new URL(path, fixture.stack.ingressUrl), { method: 'POST', headers, body });

    // A request that succeeds, after a Tencent fault on its create and a webhook that fails first.
    fixture.stack.emulator?.addFaults({
      rules: [{ action: 'CreateReadOnlyDBInstance', sequence: ['InternalError'] }],
    });
    fixture.receiver.failNext(1);
    const ok = await fixture.api.submit({ ...SEED_EXAMPLE_REQUEST, callback }, `logs-${randomUUID()}`);
    // Refusals that carry near-secrets: a wrong key, the right key with junk, bad signatures.
    await post('/v1/replica-requests', '{}', {
      authorization: `Bearer ${apiKey}x`,
      'content-type': 'application/json',
    });
    await post('/v1/replica-requests', 'not json', {
      authorization: `Bearer ${apiKey}`,
      'content-type': 'application/json',
    });
    const slackBody = `token=x&team_id=T1&user_id=U1&command=%2Freplica&text=help&channel_id=C1`;
    const timestamp = String(Math.floor(Date.now() / 1000));
    await post('/v1/chatops/slack', slackBody, {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': `v0=${hmacHex(SLACK_SECRET, `v0:${timestamp}:${slackBody}`)}`,
    });
    await post('/v1/chatops/slack', slackBody, {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': `v0=${SLACK_SECRET}`,
    });
    const jiraBody = readFileSync('events/jira/issue-created.json', 'utf8');
    await post('/v1/tickets/jira', jiraBody, {
      'content-type': 'application/json',
      'x-hub-signature': `sha256=${hmacHex(JIRA_SECRET, jiraBody)}`,
    });
    await post('/v1/alerts/alertmanager', readFileSync('events/alertmanager/firing.wire.json', 'utf8'), {
      'content-type': 'application/json',
      authorization: `Bearer ${alerts.alertmanagerToken}`,
    });
    await post('/v1/alerts/cloudwatch', '{"not":"an alarm"}', {
      'content-type': 'application/json',
      'x-api-key': alerts.cloudwatchApiKey,
    });
    await post('/v1/alerts/grafana', '{}', {
      'content-type': 'application/json',
      authorization: `Bearer ${alerts.grafanaToken}`,
      'x-grafana-alerting-signature': alerts.grafanaHmacSecret,
    });
    await post(`/v1/alerts/tencent-monitor/${alerts.tencentMonitorPathToken}`, '{}', {
      'content-type': 'application/json',
    });
    await post('/v1/alerts/tencent-monitor', '{}', {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${alerts.tencentMonitorUser}:${alerts.tencentMonitorPassword}`).toString('base64')}`,
    });
    await followRequest(fixture.api, ok.requestId, { timeoutMs: 30_000, intervalMs: 200 });

    // A webhook that never gets through its window: dead-lettered, then redriven.
    fixture.receiver.outage(60_000);
    const undelivered = await fixture.api.submit(
      { ...SEED_EXAMPLE_REQUEST, callback },
      `logs-${randomUUID()}`,
    );
    await followRequest(fixture.api, undelivered.requestId, { timeoutMs: 30_000, intervalMs: 200 });
    // READY comes first; the webhook's 2 s window runs out after it, and notify records UNDELIVERED before it
    // sends the dead letter. Redrive once the dead letter is there: a redrive before finds nothing to move.
    const deadLetters = fixture.stack.dependencies.deadLetters;
    if (deadLetters) {
      await eventually(
        'the undelivered notification in the notify dead-letter queue',
        () => deadLetters.peek('notify'),
        (letters) => letters.some((letter) => letter.requestId === undelivered.requestId),
      );
    }
    fixture.receiver.outage(0);
    if (deadLetters) await redriveDeadLetters('notify', { ...fixture.stack.dependencies, deadLetters });
    await fixture.receiver.waitFor(undelivered.requestId, 20_000);

    const output = captured.join('');
    const secrets: Record<string, string> = {
      'API key': apiKey,
      'webhook signing secret': webhookSecret,
      'webhook signing key': webhookSecret.replace(/^whsec_/, ''),
      'Tencent SecretKey': EMULATOR_CREDENTIALS.secretKey,
      'Slack signing secret': SLACK_SECRET,
      'Jira webhook secret': JIRA_SECRET,
      'Alertmanager token': alerts.alertmanagerToken,
      'Cloud Monitor password': alerts.tencentMonitorPassword,
      'Cloud Monitor path token': alerts.tencentMonitorPathToken,
      'Cloud Monitor Basic credentials': Buffer.from(
        `${alerts.tencentMonitorUser}:${alerts.tencentMonitorPassword}`,
      ).toString('base64'),
      'CloudWatch API key': alerts.cloudwatchApiKey,
      'Grafana HMAC secret': alerts.grafanaHmacSecret,
      'Grafana token': alerts.grafanaToken,
    };
    // The run did log (so the search means something): create's and notify's use cases, errors included.
    // Matched by message, not by `function_name`: the local stack runs every function in one process
    // with one Powertools logger, so a line's Lambda context is that of the invocation that started
    // last — on a busy machine create's lines can carry ingest's name (README, "Local stack").
    expect(output).toMatch(/"message":"create: /);
    expect(output).toMatch(/"message":"notify: /);
    expect(output).toMatch(/"level":"(WARN|ERROR)"/);
    for (const [name, secret] of Object.entries(secrets)) {
      expect(secret.length, name).toBeGreaterThanOrEqual(16);
      expect(output.includes(secret), `${name} appears in the log output`).toBe(false);
    }
  }, 90_000);
});
