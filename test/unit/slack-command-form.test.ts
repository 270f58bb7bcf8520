import { describe, expect, it } from 'vitest';
import { HttpError } from '#shared/http/http-error.ts';
import { parseSlashCommand } from '#shared/ingress/slack/slack-command-form.ts';
import { sampleEventText, slackFormBody, slashCommandFields } from '#test/support/signed-sources.ts';

const FORM = 'application/x-www-form-urlencoded';

const failure = (act: () => unknown): HttpError => {
  try {
    act();
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error('expected an HttpError');
};

describe('parseSlashCommand', () => {
  it('decodes the wire body Slack sends: + is a space, %2F a slash, %3D an equals sign', () => {
    const command = parseSlashCommand(FORM, Buffer.from(sampleEventText('slack', 'slash-command-add.form')));

    expect(command).toMatchObject({
      team_id: 'T0RFTEAM1',
      channel_id: 'C0DBOPS01',
      user_id: 'U0SRE0001',
      command: '/replica',
      text: 'add postgres-abcdef spec=pg.it.small2 storage=100 zone=ap-beijing-4 charge=postpaid',
      response_url: 'https://hooks.slack.com/commands/T0RFTEAM1/6873425167904/8fKzjYpCz1dqJ0eTq3RbUvWx',
      trigger_id: '6873425167904.5712338462.5d7f3b1e9a0c4c8e2f6b1a9d3c7e5f01',
    });
  });

  it('accepts Content-Type with a charset and drops fields it does not use', () => {
    const body = slackFormBody(slashCommandFields('slash-command-help.json', { new_field_from_slack: 'x' }));

    expect(parseSlashCommand(`${FORM}; charset=utf-8`, Buffer.from(body))).not.toHaveProperty(
      'new_field_from_slack',
    );
  });

  it('answers 415 for a body that is not form-encoded', () => {
    expect(failure(() => parseSlashCommand('application/json', Buffer.from('{}'))).statusCode).toBe(415);
  });

  it('answers 400 naming every missing or malformed field', () => {
    const { team_id: _team, ...fields } = slashCommandFields('slash-command-add.json', {
      user_id: 'mei.lin',
    });
    const error = failure(() => parseSlashCommand(FORM, Buffer.from(slackFormBody(fields))));

    expect(error.statusCode).toBe(400);
    expect(error.issues).toEqual(
      expect.arrayContaining([
        { field: 'team_id', message: 'required' },
        { field: 'user_id', message: 'must be a Slack user id like U0123ABCD' },
      ]),
    );
  });

  it('answers 400 for a field sent twice, and for an interactive payload', () => {
    const twice = `${slackFormBody(slashCommandFields('slash-command-add.json'))}&user_id=U0OTHER01`;
    const interactive = sampleEventText('slack', 'interactive-block-actions.form');

    expect(failure(() => parseSlashCommand(FORM, Buffer.from(twice))).issues).toEqual([
      { field: 'user_id', message: 'appears more than once' },
    ]);
    expect(failure(() => parseSlashCommand(FORM, Buffer.from(interactive))).issues[0]?.field).toBe('payload');
  });

  it('answers 400 for bytes that are not UTF-8', () => {
    expect(failure(() => parseSlashCommand(FORM, Buffer.from([0x74, 0x3d, 0xff, 0xfe]))).message).toMatch(
      /UTF-8/,
    );
  });

  it('does not let a __proto__ field reach an object prototype', () => {
    const body = `__proto__=polluted&${slackFormBody(slashCommandFields('slash-command-help.json'))}`;

    expect(parseSlashCommand(FORM, Buffer.from(body)).command).toBe('/replica');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
