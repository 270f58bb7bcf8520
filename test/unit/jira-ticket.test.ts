import { describe, expect, it } from 'vitest';
import { ValidationError } from '#shared/errors.ts';
import { jiraReplicaRequest } from '#shared/ingress/jira/jira-replica-request.ts';
import type { JiraIngressSettings } from '#shared/ingress/jira/jira-settings.ts';
import { parseJiraFieldMap } from '#shared/ingress/jira/jira-settings.ts';
import { descriptionText, descriptionValues } from '#shared/ingress/jira/jira-ticket-fields.ts';
import { triggerOf } from '#shared/ingress/jira/jira-trigger.ts';
import { parseJiraWebhook } from '#shared/ingress/jira/jira-webhook-payload.ts';
import { jiraWebhook } from '#test/support/signed-sources.ts';

const settings: JiraIngressSettings = {
  webhookSecret: 'unused-here-0000000',
  projects: ['OPS'],
  issueTypes: ['Task', 'Service Request'],
  triggerStatus: 'Approved',
  fieldMap: { MasterDBInstanceId: 'customfield_10050', SpecCode: 'customfield_10051' },
};

const webhook = (file: string, change: (hook: ReturnType<typeof jiraWebhook>) => void = () => undefined) => {
  const hook = jiraWebhook(file);
  change(hook);
  return parseJiraWebhook(hook);
};

const issuesOf = (act: () => unknown) => {
  try {
    act();
  } catch (error) {
    if (error instanceof ValidationError) return error.issues;
    throw error;
  }
  throw new Error('no ValidationError');
};

describe('triggerOf', () => {
  it('takes a ticket moved into the trigger status', () => {
    expect(triggerOf(webhook('issue-updated-approved.json'), settings)).toMatchObject({ trigger: true });
  });

  it('ignores a ticket created in another status, and takes one created in the trigger status', () => {
    expect(triggerOf(webhook('issue-created.json'), settings)).toEqual({
      trigger: false,
      reason: 'created in status To Do, not Approved',
    });
    const createdApproved = webhook('issue-created.json', (hook) => {
      hook.issue.fields.status.name = 'approved';
    });
    expect(triggerOf(createdApproved, settings).trigger).toBe(true);
  });

  it('takes every created ticket when there is no trigger status, and no update', () => {
    const { triggerStatus: _status, ...anyStatus } = settings;
    expect(triggerOf(webhook('issue-created.json'), anyStatus).trigger).toBe(true);
    expect(triggerOf(webhook('issue-updated-approved.json'), anyStatus).trigger).toBe(false);
  });

  it('ignores other projects, other issue types, other updates and other events', () => {
    const otherProject = webhook('issue-updated-approved.json', (hook) => {
      (hook.issue.fields.project as { key: string }).key = 'HR';
    });
    const otherType = webhook('issue-updated-approved.json', (hook) => {
      (hook.issue.fields.issuetype as { name: string }).name = 'Bug';
    });
    const relabelled = webhook('issue-updated-approved.json', (hook) => {
      hook.changelog = { items: [{ field: 'labels', fieldtype: 'jira', fromString: '', toString: 'db' }] };
    });

    expect(triggerOf(otherProject, settings)).toMatchObject({ reason: 'project HR is not configured' });
    expect(triggerOf(otherType, settings)).toMatchObject({ reason: 'issue type Bug is not configured' });
    expect(triggerOf(relabelled, settings)).toMatchObject({ reason: 'not a move into status Approved' });
    expect(triggerOf(webhook('comment-created.json'), settings)).toMatchObject({
      reason: 'event comment_created does not make requests',
    });
  });

  it('reads a changelog item without toString as no status (not Object.prototype.toString)', () => {
    const hook = webhook('issue-updated-approved.json', (h) => {
      h.changelog = { items: [{ field: 'status', fieldId: 'status' }] };
    });
    expect(triggerOf(hook, settings).trigger).toBe(false);
  });
});

describe('jiraReplicaRequest', () => {
  it('reads mapped custom fields (a select option too) and key: value description lines; the reporter asks', () => {
    const hook = webhook('issue-updated-approved.json');
    const request = jiraReplicaRequest(hook, hook.issue as NonNullable<typeof hook.issue>, settings.fieldMap);

    expect(request).toMatchObject({
      MasterDBInstanceId: 'postgres-abcdef',
      SpecCode: 'pg.it.small2',
      Storage: 100,
      Zone: 'ap-beijing-4',
      Region: 'ap-beijing',
      InstanceChargeType: 'POSTPAID_BY_HOUR',
      idempotencyKey: 'jira:OPS-1042',
      requester: {
        source: 'jira',
        identity: '712020:1f4d6c1e-8e0a-4f6a-9d0e-3a9b2c7d5e11',
        displayName: 'Mei Lin',
        context: { issueKey: 'OPS-1042', issueId: '10847', project: 'OPS' },
      },
    });
  });

  it('is the same request whichever event carried the ticket (created or moved), so it hashes the same', () => {
    const created = webhook('issue-created.json');
    const moved = webhook('issue-updated-approved.json');

    expect(
      jiraReplicaRequest(created, created.issue as NonNullable<typeof created.issue>, settings.fieldMap),
    ).toEqual(jiraReplicaRequest(moved, moved.issue as NonNullable<typeof moved.issue>, settings.fieldMap));
  });

  it('names the custom field to set when the primary is missing', () => {
    const hook = webhook('issue-updated-approved.json', (h) => {
      h.issue.fields.customfield_10050 = null;
    });
    expect(
      issuesOf(() =>
        jiraReplicaRequest(hook, hook.issue as NonNullable<typeof hook.issue>, settings.fieldMap),
      ),
    ).toEqual([
      {
        field: 'MasterDBInstanceId',
        message: 'required: set customfield_10050 or a "primary: postgres-…" line in the description',
      },
    ]);
  });

  it('names the field or description line a bad value came from', () => {
    const hook = webhook('issue-updated-approved.json', (h) => {
      h.issue.fields.description = 'storage: 105\nzone: mars-1';
    });
    const issues = issuesOf(() =>
      jiraReplicaRequest(hook, hook.issue as NonNullable<typeof hook.issue>, settings.fieldMap),
    );

    expect(issues.map((issue) => issue.field)).toEqual(
      expect.arrayContaining(['Storage (description line "storage")', 'Zone (description line "zone")']),
    );
  });
});

describe('description lines', () => {
  it('reads wiki bold keys, list markers, monospace values and = signs; ignores prose; flags repeats', () => {
    const { values, issues } = descriptionValues(
      [
        'Please add a replica.',
        '* *primary*: {{postgres-abcdef}}',
        'spec = pg.it.small2',
        'Note: urgent',
        'spec: x',
      ].join('\n'),
    );

    expect(values).toEqual({
      MasterDBInstanceId: { value: 'postgres-abcdef', from: 'description line "primary"' },
      SpecCode: { value: 'pg.it.small2', from: 'description line "spec"' },
    });
    expect(issues).toEqual([
      { field: 'description line "spec"', message: 'SpecCode is given more than once in the description' },
    ]);
  });

  it('reads the text of an Atlassian Document description', () => {
    const adf = {
      type: 'doc',
      version: 1,
      content: [
        {
          type: 'paragraph',
          content: [
            { type: 'text', text: 'primary: ' },
            { type: 'text', text: 'postgres-abcdef' },
          ],
        },
        { type: 'paragraph', content: [{ type: 'text', text: 'storage: 100' }] },
      ],
    };
    expect(descriptionText(adf)).toBe('primary: postgres-abcdef\nstorage: 100');
  });
});

describe('parseJiraFieldMap', () => {
  it('reads request field → Jira field id, and refuses unknown request fields and bad ids', () => {
    expect(parseJiraFieldMap('{"MasterDBInstanceId":"customfield_10050"}')).toEqual({
      MasterDBInstanceId: 'customfield_10050',
    });
    expect(() => parseJiraFieldMap('{"Primary":"customfield_1"}')).toThrow(/JIRA_FIELD_MAP is invalid/);
    expect(() => parseJiraFieldMap('{"Storage":"custom field 2"}')).toThrow(
      /Storage: must be a Jira field id/,
    );
    expect(() => parseJiraFieldMap('{')).toThrow(/not valid JSON/);
  });
});
