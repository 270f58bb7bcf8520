import { describe, expect, it } from 'vitest';
import { ValidationError } from '#shared/errors.ts';
import { parseSlackCommand, tokenize } from '#shared/ingress/slack/slack-command-grammar.ts';

const issuesOf = (text: string) => {
  try {
    parseSlackCommand(text);
  } catch (error) {
    if (error instanceof ValidationError) return error.issues;
    throw error;
  }
  throw new Error(`"${text}" parsed`);
};

describe('parseSlackCommand', () => {
  it('reads add with every option into request fields; a zone sets its region', () => {
    expect(
      parseSlackCommand(
        'add postgres-abcdef spec=pg.it.medium4 storage=200 count=2 zone=ap-guangzhou-3 charge=prepaid name=reports-ro',
      ),
    ).toEqual({
      kind: 'add',
      primary: 'postgres-abcdef',
      fields: {
        SpecCode: 'pg.it.medium4',
        Storage: 200,
        InstanceCount: 2,
        Zone: 'ap-guangzhou-3',
        Region: 'ap-guangzhou',
        InstanceChargeType: 'PREPAID',
        Name: 'reports-ro',
      },
      dryRun: false,
    });
  });

  it('reads a bare add, --dry-run anywhere (also as a client-typed em dash), GB units and postpaid', () => {
    expect(parseSlackCommand('add postgres-abcdef')).toEqual({
      kind: 'add',
      primary: 'postgres-abcdef',
      fields: {},
      dryRun: false,
    });
    expect(parseSlackCommand('  ADD postgres-abcdef --dry-run storage=100GB charge=postpaid ')).toMatchObject(
      {
        fields: { Storage: 100, InstanceChargeType: 'POSTPAID_BY_HOUR' },
        dryRun: true,
      },
    );
    expect(parseSlackCommand('add postgres-abcdef —dry-run')).toMatchObject({ dryRun: true });
  });

  it('keeps spaces inside straight or curly quotes', () => {
    expect(tokenize('add postgres-abcdef name="billing reports"')).toEqual([
      'add',
      'postgres-abcdef',
      'name=billing reports',
    ]);
    expect(parseSlackCommand('add postgres-abcdef name=“billing reports”')).toMatchObject({
      fields: { Name: 'billing reports' },
    });
  });

  it('names every mistake at once: unknown option, repeated option, bad numbers, bad charge', () => {
    expect(issuesOf('add postgres-abcdef size=100 storage=ten storage=20 count=1.5 charge=monthly')).toEqual([
      {
        field: 'size',
        message: expect.stringMatching(/^unknown option "size=100" \(options: spec, storage/),
      },
      { field: 'storage', message: 'must be a whole number of GB (got "ten")' },
      { field: 'storage', message: 'given more than once' },
      { field: 'count', message: 'must be a whole number (got "1.5")' },
      { field: 'charge', message: 'must be postpaid or prepaid (got "monthly")' },
    ]);
  });

  it('requires the primary first', () => {
    expect(issuesOf('add storage=100')[0]).toMatchObject({ field: 'primary' });
    expect(issuesOf('add')[0]).toMatchObject({ field: 'primary' });
  });

  it('reads status with one request id, and refuses anything else', () => {
    expect(parseSlackCommand('status r-82d076763736c6b4')).toEqual({
      kind: 'status',
      requestId: 'r-82d076763736c6b4',
    });
    expect(issuesOf('status')[0]?.field).toBe('status');
    expect(issuesOf('status 42')[0]?.field).toBe('status');
  });

  it('answers help for help and for nothing, and refuses an unknown verb', () => {
    expect(parseSlackCommand('help')).toEqual({ kind: 'help' });
    expect(parseSlackCommand('   ')).toEqual({ kind: 'help' });
    expect(issuesOf('resize postgres-abcdef')).toEqual([
      { field: 'command', message: '"resize" is not a /replica command' },
    ]);
  });

  it('reads remove with a primary (replica-flow picks), or a primary and a replica in either order', () => {
    expect(parseSlackCommand('remove postgres-abcdef')).toEqual({
      kind: 'remove',
      primary: 'postgres-abcdef',
      replica: undefined,
      dryRun: false,
    });
    expect(parseSlackCommand('remove pgro-ab12cd34 postgres-abcdef --dry-run')).toEqual({
      kind: 'remove',
      primary: 'postgres-abcdef',
      replica: 'pgro-ab12cd34',
      dryRun: true,
    });
  });

  it('refuses remove with a replica alone, naming the primary it needs, and any stray word', () => {
    expect(issuesOf('remove pgro-ab12cd34')).toEqual([
      { field: 'primary', message: expect.stringContaining('/replica remove postgres-abcdef pgro-ab12cd34') },
    ]);
    expect(issuesOf('remove postgres-abcdef now')).toEqual([expect.objectContaining({ field: 'now' })]);
  });
});
