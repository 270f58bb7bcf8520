import { type ChargeType, regionOfZone } from '#shared/domain/replica-request-fields.ts';
import { type FieldIssue, ValidationError } from '#shared/errors.ts';

/**
 * The `/replica` grammar:
 *   /replica add <primary> [spec=… storage=… count=… zone=… charge=postpaid|prepaid name=…] [--dry-run]
 *   /replica remove <primary> [<replica id>] [--dry-run]
 *   /replica status <request id>
 *   /replica help
 */
export type SlackCommand =
  | { readonly kind: 'add'; readonly primary: string; readonly fields: AddFields; readonly dryRun: boolean }
  | {
      readonly kind: 'remove';
      readonly primary: string;
      readonly replica: string | undefined;
      readonly dryRun: boolean;
    }
  | { readonly kind: 'status'; readonly requestId: string }
  | { readonly kind: 'help' };

/** The request fields `add` can set, as the request schema names them. */
export interface AddFields {
  readonly SpecCode?: string;
  readonly Storage?: number;
  readonly InstanceCount?: number;
  readonly Zone?: string;
  readonly Region?: string;
  readonly InstanceChargeType?: ChargeType;
  readonly Name?: string;
}

/** Option name → the request field it sets (also how schema errors are named back to the user). */
export const OPTION_FIELDS = {
  spec: 'SpecCode',
  storage: 'Storage',
  count: 'InstanceCount',
  zone: 'Zone',
  charge: 'InstanceChargeType',
  name: 'Name',
} as const;
type OptionName = keyof typeof OPTION_FIELDS;

export const USAGE = [
  '`/replica add <primary> [spec=… storage=… count=… zone=… charge=postpaid|prepaid name=…] [--dry-run]`',
  '`/replica remove <primary> [<replica id>] [--dry-run]`',
  '`/replica status <request id>`',
  '`/replica help`',
].join('\n');

const CHARGES: Readonly<Record<string, ChargeType>> = {
  postpaid: 'POSTPAID_BY_HOUR',
  postpaid_by_hour: 'POSTPAID_BY_HOUR',
  prepaid: 'PREPAID',
};

/** Splits on whitespace; `"…"` (straight or curly quotes, as Slack clients type them) keeps spaces. */
export const tokenize = (text: string): string[] => {
  const tokens: string[] = [];
  const pattern = /(?:[^\s"“”]+|["“][^"“”]*["”])+/g;
  for (const match of text.matchAll(pattern)) tokens.push(match[0].replace(/["“”]/g, ''));
  return tokens;
};

const wholeNumber = (value: string, unit?: RegExp): number | undefined => {
  const digits = unit ? value.replace(unit, '') : value;
  return /^\d{1,9}$/.test(digits) ? Number(digits) : undefined;
};

const optionValue = (
  option: OptionName,
  value: string,
): { value: string | number; issue?: undefined } | { issue: string } => {
  switch (option) {
    case 'storage': {
      const gb = wholeNumber(value, /\s*gb$/i);
      return gb === undefined ? { issue: `must be a whole number of GB (got "${value}")` } : { value: gb };
    }
    case 'count': {
      const count = wholeNumber(value);
      return count === undefined ? { issue: `must be a whole number (got "${value}")` } : { value: count };
    }
    case 'charge': {
      const charge = CHARGES[value.toLowerCase()];
      return charge ? { value: charge } : { issue: `must be postpaid or prepaid (got "${value}")` };
    }
    default:
      return value ? { value } : { issue: 'must not be empty' };
  }
};

const isDryRunFlag = (token: string) => /^(?:--|—|–)dry-?run$/i.test(token);

const parseAdd = (args: readonly string[]): SlackCommand => {
  const issues: FieldIssue[] = [];
  const [first, ...rest] = args;
  const primary = first !== undefined && !first.includes('=') && !isDryRunFlag(first) ? first : undefined;
  if (!primary) {
    issues.push({
      field: 'primary',
      message: 'name the primary instance first, e.g. /replica add postgres-abcdef',
    });
  }
  const fields: Record<string, string | number> = {};
  const seen = new Set<OptionName>();
  let dryRun = false;
  for (const token of primary ? rest : args) {
    if (isDryRunFlag(token)) {
      dryRun = true;
      continue;
    }
    const separator = token.indexOf('=');
    const name = (separator > 0 ? token.slice(0, separator) : token).toLowerCase();
    if (separator <= 0 || !Object.hasOwn(OPTION_FIELDS, name)) {
      issues.push({
        field: name || token,
        message: `unknown option "${token}" (options: ${Object.keys(OPTION_FIELDS).join(', ')}, --dry-run)`,
      });
      continue;
    }
    const option = name as OptionName;
    if (seen.has(option)) {
      issues.push({ field: option, message: 'given more than once' });
      continue;
    }
    seen.add(option);
    const parsed = optionValue(option, token.slice(separator + 1));
    if (parsed.issue !== undefined) issues.push({ field: option, message: parsed.issue });
    else fields[OPTION_FIELDS[option]] = parsed.value;
  }
  if (issues.length > 0 || !primary) throw new ValidationError('The command has errors', issues);
  // A zone names its region (`ap-guangzhou-3` is in `ap-guangzhou`), so `zone=` alone moves the request there.
  const region = typeof fields.Zone === 'string' ? regionOfZone(fields.Zone) : undefined;
  return {
    kind: 'add',
    primary,
    fields: { ...(fields as AddFields), ...(region ? { Region: region } : {}) },
    dryRun,
  };
};

/**
 * `remove`: the primary (its newest replica-flow replica is picked), or the primary and one of its
 * replicas, in either order. A replica id alone is refused naming `primary`: the chat path does not
 * ask Tencent whose replica it is, and the policy authorizes Slack users per primary.
 */
const parseRemove = (args: readonly string[]): SlackCommand => {
  const issues: FieldIssue[] = [];
  let primary: string | undefined;
  let replica: string | undefined;
  let dryRun = false;
  for (const token of args) {
    if (isDryRunFlag(token)) dryRun = true;
    else if (/^pgro-/.test(token) && !replica) replica = token;
    else if (/^postgres-/.test(token) && !primary) primary = token;
    else
      issues.push({
        field: token,
        message: `unexpected "${token}" (give a primary, optionally a replica id, --dry-run)`,
      });
  }
  if (!primary) {
    issues.push({
      field: 'primary',
      message: replica
        ? `name ${replica}'s primary too, e.g. /replica remove postgres-abcdef ${replica}`
        : 'name the primary, e.g. /replica remove postgres-abcdef',
    });
  }
  if (issues.length > 0 || !primary) throw new ValidationError('The command has errors', issues);
  return { kind: 'remove', primary, replica, dryRun };
};

/** Parses the text after the command; a mistake is a `ValidationError` whose issues name the option. */
export const parseSlackCommand = (text: string): SlackCommand => {
  const [verb, ...args] = tokenize(text.trim());
  switch (verb?.toLowerCase()) {
    case undefined:
    case 'help':
      return { kind: 'help' };
    case 'add':
      return parseAdd(args);
    case 'remove':
      return parseRemove(args);
    case 'status': {
      const [requestId, ...extra] = args;
      if (!requestId || extra.length > 0 || !/^r-[a-z0-9]{16}$/.test(requestId)) {
        throw new ValidationError('The command has errors', [
          { field: 'status', message: 'give one request id, e.g. /replica status r-0123456789abcdef' },
        ]);
      }
      return { kind: 'status', requestId };
    }
    default:
      throw new ValidationError('Unknown command', [
        { field: 'command', message: `"${verb}" is not a /replica command` },
      ]);
  }
};
