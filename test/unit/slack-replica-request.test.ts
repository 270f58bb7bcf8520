import { describe, expect, it } from 'vitest';
import { loadPolicy } from '#shared/domain/policy-loader.ts';
import { ValidationError } from '#shared/errors.ts';
import { authorizeSlackUser } from '#shared/ingress/slack/slack-authorization.ts';
import { slashCommandSchema } from '#shared/ingress/slack/slack-command-form.ts';
import { parseSlackCommand } from '#shared/ingress/slack/slack-command-grammar.ts';
import { slackReplicaRequest } from '#shared/ingress/slack/slack-replica-request.ts';
import { policyFixturePath } from '#test/fixtures/policies.ts';
import { slashCommandFields } from '#test/support/signed-sources.ts';

const policy = loadPolicy(policyFixturePath('chatops.yaml'));
const form = slashCommandSchema.parse(slashCommandFields('slash-command-add.json'));

const addCommand = (text: string) => {
  const command = parseSlackCommand(text);
  if (command.kind !== 'add') throw new Error('not an add');
  return command;
};

describe('slackReplicaRequest', () => {
  it('keys the request by team and trigger id, and records the user, team and channel as the requester', () => {
    const request = slackReplicaRequest(addCommand(form.text), form);

    expect(request).toMatchObject({
      MasterDBInstanceId: 'postgres-abcdef',
      SpecCode: 'pg.it.small2',
      Storage: 100,
      Zone: 'ap-beijing-4',
      Region: 'ap-beijing',
      InstanceChargeType: 'POSTPAID_BY_HOUR',
      idempotencyKey: 'slack:T0RFTEAM1:6873425167904.5712338462.5d7f3b1e9a0c4c8e2f6b1a9d3c7e5f01',
      requester: {
        source: 'slack',
        identity: 'U0SRE0001',
        displayName: 'mei.lin',
        context: {
          team: 'T0RFTEAM1',
          teamDomain: 'acme-platform',
          channel: 'C0DBOPS01',
          channelName: 'db-ops',
          command: `/replica ${form.text}`,
        },
      },
    });
    // The response_url expires after 30 minutes: it is not kept.
    expect(JSON.stringify(request)).not.toContain('hooks.slack.com');
  });

  it('names schema errors by the option the user typed', () => {
    try {
      slackReplicaRequest(addCommand('add Postgres_ABC storage=105 spec=pg/bad'), form);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues.map((issue) => issue.field).sort()).toEqual([
        'primary',
        'spec',
        'storage',
      ]);
    }
  });
});

describe('authorizeSlackUser', () => {
  const who = (user: string, channel: string) => ({ user, channel });

  it('allows a listed user in a listed channel', () => {
    expect(authorizeSlackUser(policy, 'postgres-abcdef', who('U0SRE0002', 'C0DBOPS01'))).toEqual({
      allowed: true,
    });
  });

  it('refuses a user not listed, and a listed user in another channel, saying which', () => {
    expect(authorizeSlackUser(policy, 'postgres-abcdef', who('U0INTERN1', 'C0DBOPS01'))).toEqual({
      allowed: false,
      reason: '<@U0INTERN1> may not request replicas of postgres-abcdef',
    });
    expect(authorizeSlackUser(policy, 'postgres-abcdef', who('U0SRE0001', 'C0RANDOM1'))).toEqual({
      allowed: false,
      reason: 'replicas of postgres-abcdef can only be requested in <#C0DBOPS01>',
    });
  });

  it('allows anyone with an empty slack section, and nobody without one or for an unknown primary', () => {
    expect(authorizeSlackUser(policy, 'postgres-bjorder1', who('U0ANYONE1', 'C0RANDOM1')).allowed).toBe(true);
    expect(authorizeSlackUser(policy, 'postgres-sgsearch', who('U0SRE0001', 'C0DBOPS01'))).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('no slack section'),
    });
    expect(authorizeSlackUser(policy, 'postgres-unknown1', who('U0SRE0001', 'C0DBOPS01')).allowed).toBe(
      false,
    );
  });
});

describe('/replica remove', () => {
  it('records a removal of the primary from Slack: explicit, its trigger slack (never prepaid), queued for validation', async () => {
    const { answerSlashCommand } = await import('#shared/ingress/slack/slack-command-answer.ts');
    const { corePorts } = await import('#test/support/core-harness.ts');
    const ports = corePorts();
    const removeForm = { ...form, text: 'remove postgres-abcdef pgro-ab12cd34' };

    const reply = await answerSlashCommand(removeForm, { ...ports, policy });

    const [record] = [...ports.store.records.values()];
    expect(record).toMatchObject({
      kind: 'removal',
      state: 'RECEIVED',
      request: { MasterDBInstanceId: 'postgres-abcdef' },
      removal: { DBInstanceId: 'pgro-ab12cd34', trigger: { kind: 'slack' } },
      requester: { source: 'slack', identity: 'U0SRE0001' },
    });
    expect(ports.queue.sent).toEqual([expect.objectContaining({ queue: 'requests' })]);
    expect(JSON.stringify(reply)).toContain(record?.requestId);
  });
});
