import type { FieldIssue } from '#shared/errors.ts';
import type { JiraFieldMap, TicketField } from '#shared/ingress/jira/jira-settings.ts';

/** A value read from a ticket, and where it was read (named back in error messages). */
export interface TicketValue {
  readonly value: string;
  readonly from: string;
}
export type TicketValues = Partial<Record<TicketField, TicketValue>>;

/** The words people write before a colon in a description, → request fields. */
const LINE_KEYS: Readonly<Record<string, TicketField>> = {
  primary: 'MasterDBInstanceId',
  masterdbinstanceid: 'MasterDBInstanceId',
  region: 'Region',
  zone: 'Zone',
  spec: 'SpecCode',
  speccode: 'SpecCode',
  storage: 'Storage',
  count: 'InstanceCount',
  instancecount: 'InstanceCount',
  charge: 'InstanceChargeType',
  instancechargetype: 'InstanceChargeType',
  name: 'Name',
  'dry-run': 'dryRun',
  dryrun: 'dryRun',
};

/**
 * `key: value` (or `key = value`) on a line of its own, after optional wiki list or heading markers,
 * with the key optionally bold (`*primary*: …`) and the value optionally monospace (`{{…}}`).
 */
const LINE = /^\s*(?:[*#-]+\s+|h[1-6]\.\s+)?[*_]?([A-Za-z][A-Za-z-]*)[*_]?\s*[:=]\s*(.*?)\s*$/;

/** How deep an Atlassian Document or a field value is read (real ones are a few levels deep). */
const MAX_DEPTH = 16;

/** A description as text: v2 payloads send wiki markup; an Atlassian Document is read for its text. */
export const descriptionText = (description: unknown, depth = 0): string => {
  if (typeof description === 'string') return description;
  if (!description || typeof description !== 'object' || depth > MAX_DEPTH) return '';
  const node = description as { type?: unknown; text?: unknown; content?: unknown };
  if (typeof node.text === 'string') return node.text;
  const children = Array.isArray(node.content)
    ? node.content.map((child) => descriptionText(child, depth + 1))
    : [];
  return children.join(node.type === 'paragraph' || node.type === 'text' ? '' : '\n');
};

/** The known `key: value` lines of a description; unknown keys are prose and ignored, a repeated one is an issue. */
export const descriptionValues = (text: string): { values: TicketValues; issues: FieldIssue[] } => {
  const values: TicketValues = {};
  const issues: FieldIssue[] = [];
  for (const line of text.split(/\r?\n/)) {
    const match = LINE.exec(line);
    const key = match?.[1]?.toLowerCase();
    const field = key === undefined ? undefined : LINE_KEYS[key];
    if (!match || !key || !field) continue;
    const value = (match[2] ?? '')
      .replace(/^\{\{(.*)\}\}$/, '$1')
      .replace(/^\*(.*)\*$/, '$1')
      .trim();
    const from = `description line "${key}"`;
    if (values[field])
      issues.push({ field: from, message: `${field} is given more than once in the description` });
    else if (value) values[field] = { value, from };
  }
  return { values, issues };
};

/** A field's value as text: a string or number, a select option (`{value}`), a named object, or the first of a list. */
export const fieldValueText = (raw: unknown, depth = 0): string | undefined => {
  if (depth > MAX_DEPTH) return undefined;
  if (typeof raw === 'string') return raw.trim() || undefined;
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  if (typeof raw === 'boolean') return String(raw);
  if (Array.isArray(raw)) return raw.length > 0 ? fieldValueText(raw[0], depth + 1) : undefined;
  if (raw && typeof raw === 'object') {
    const { value, name } = raw as { value?: unknown; name?: unknown };
    return fieldValueText(value ?? name, depth + 1);
  }
  return undefined;
};

/** Mapped fields first (`JIRA_FIELD_MAP`), then `key: value` lines of the description for what is still missing. */
export const ticketValues = (
  fields: Readonly<Record<string, unknown>>,
  fieldMap: JiraFieldMap,
): { values: TicketValues; issues: FieldIssue[] } => {
  const fromDescription = descriptionValues(descriptionText(fields.description));
  const values: TicketValues = { ...fromDescription.values };
  for (const [field, jiraField] of Object.entries(fieldMap) as [TicketField, string][]) {
    const value = Object.hasOwn(fields, jiraField) ? fieldValueText(fields[jiraField]) : undefined;
    if (value !== undefined) values[field] = { value, from: jiraField };
  }
  return { values, issues: fromDescription.issues };
};
