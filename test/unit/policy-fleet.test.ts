import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findPrimaryPolicy } from '#shared/domain/policy.ts';
import { fleetPolicyOf } from '#shared/domain/policy-fleet.ts';
import { loadPolicy, parsePolicy } from '#shared/domain/policy-loader.ts';
import { ConfigError, type ValidationError } from '#shared/errors.ts';
import { shippedPolicyPath } from '#test/fixtures/policies.ts';

/** A minimal valid policy whose one primary has `entry` (YAML lines indented by four). */
const policyWith = (entry: string) =>
  `version: 1
regions: [ap-beijing, ap-guangzhou]
specs: [pg.it.small2, pg.it.medium4]
limits:
  maxStorage: 500
  maxInstanceCount: 2
  maxReplicasPerPrimary: 5
primaries:
  postgres-abcdef:
${entry}`;

const parse = (entry: string) => parsePolicy(policyWith(entry), 'yaml');

const issuesFor = (entry: string) => {
  let error: unknown;
  try {
    parse(entry);
  } catch (thrown) {
    error = thrown;
  }
  expect(error).toBeInstanceOf(ConfigError);
  return ((error as ConfigError).cause as ValidationError).issues;
};

const fleetOf = (entry: string) => fleetPolicyOf(findPrimaryPolicy(parse(entry), 'postgres-abcdef')?.entry);

const SCALE_OUT = '    scaleOut: {enabled: true, maxReplicas: 3, cooldownSeconds: 60';

describe('the fleet policy: parsed and exposed, with its defaults', () => {
  it('gives a primary without fleet settings minimum 0, no fallback, scale-in off, no group', () => {
    expect(fleetOf('    defaults: {Region: ap-beijing}\n')).toEqual({
      minReplicas: 0,
      fallback: [],
      scaleIn: { enabled: false, cooldownSeconds: 900, stableForSeconds: 1800, destroy: 'recycle-bin' },
      readOnlyGroup: { mode: 'none' },
    });
  });

  it('reads minReplicas, an ordered fallback, scale-in and an auto group', () => {
    const fleet = fleetOf(
      [
        `${SCALE_OUT}, minReplicas: 1,`,
        '      fallback: [{Zone: ap-beijing-5, SpecCode: pg.it.small2}, {Zone: ap-beijing-3, SpecCode: pg.it.medium4}]}',
        '    scaleIn: {enabled: true, cooldownSeconds: 600, stableForSeconds: 1200, destroy: immediate}',
        '    readOnlyGroup: {mode: auto, name: rf-readers, maxReplayLag: 30, maxReplayLatency: 512, minDelayEliminateReserve: 1}',
        '',
      ].join('\n'),
    );

    expect(fleet).toEqual({
      minReplicas: 1,
      fallback: [
        { Zone: 'ap-beijing-5', SpecCode: 'pg.it.small2' },
        { Zone: 'ap-beijing-3', SpecCode: 'pg.it.medium4' },
      ],
      scaleIn: { enabled: true, cooldownSeconds: 600, stableForSeconds: 1200, destroy: 'immediate' },
      readOnlyGroup: {
        mode: 'auto',
        name: 'rf-readers',
        maxReplayLag: 30,
        maxReplayLatency: 512,
        minDelayEliminateReserve: 1,
      },
    });
  });

  it('takes an optional subnet of the fallback zone', () => {
    expect(
      fleetOf(
        `${SCALE_OUT}, fallback: [{Zone: ap-beijing-5, SpecCode: pg.it.small2, SubnetId: subnet-bj5abcde}]}\n`,
      ).fallback,
    ).toEqual([{ Zone: 'ap-beijing-5', SpecCode: 'pg.it.small2', SubnetId: 'subnet-bj5abcde' }]);
  });

  it('defaults destroy to recycle-bin', () => {
    expect(fleetOf('    scaleIn: {enabled: true}\n').scaleIn.destroy).toBe('recycle-bin');
  });

  it('accepts an existing group id as the mode', () => {
    expect(fleetOf('    readOnlyGroup: {mode: pgrogrp-ab12cd34, maxReplayLag: 10}\n').readOnlyGroup).toEqual({
      mode: 'pgrogrp-ab12cd34',
      maxReplayLag: 10,
    });
  });

  it('parses the shipped policies with their fleet sections', () => {
    const fleet = fleetPolicyOf(
      findPrimaryPolicy(loadPolicy(shippedPolicyPath('default.yaml')), 'postgres-abcdef')?.entry,
    );
    const example = fleetPolicyOf(
      findPrimaryPolicy(loadPolicy(shippedPolicyPath('example.yaml')), 'postgres-abcdef')?.entry,
    );
    expect(fleet).toMatchObject({
      scaleIn: { enabled: true, destroy: 'recycle-bin' },
      readOnlyGroup: { mode: 'auto' },
    });
    expect(example).toMatchObject({
      minReplicas: 1,
      fallback: [{ Zone: 'ap-beijing-5' }, { Zone: 'ap-beijing-3' }],
    });
  });
});

describe('the fleet policy: every refusal names the field and the rule', () => {
  const at = (path: string) => `primaries.postgres-abcdef.${path}`;

  it.each<[string, string, string, RegExp]>([
    ['a negative minimum', `${SCALE_OUT}, minReplicas: -1}\n`, 'scaleOut.minReplicas', /must be 0 or more/],
    ['a fractional minimum', `${SCALE_OUT}, minReplicas: 1.5}\n`, 'scaleOut.minReplicas', /whole number/],
    [
      'a minimum above the maximum',
      `${SCALE_OUT}, minReplicas: 4}\n`,
      'scaleOut.minReplicas',
      /must not exceed maxReplicas 3 \(got 4\)/,
    ],
    [
      'a fallback zone of an unsupported region',
      `${SCALE_OUT}, fallback: [{Zone: xx-nowhere-1, SpecCode: pg.it.small2}]}\n`,
      'scaleOut.fallback.0.Zone',
      /must be a zone of a supported region/,
    ],
    [
      'a fallback without a SpecCode',
      `${SCALE_OUT}, fallback: [{Zone: ap-beijing-5}]}\n`,
      'scaleOut.fallback.0.SpecCode',
      /./,
    ],
    [
      'a fallback with an unknown field',
      `${SCALE_OUT}, fallback: [{Zone: ap-beijing-5, SpecCode: pg.it.small2, Storage: 100}]}\n`,
      'scaleOut.fallback.0.Storage',
      /Unknown field/,
    ],
    [
      'a fallback spec the policy does not allow',
      `${SCALE_OUT}, fallback: [{Zone: ap-beijing-5, SpecCode: pg.it.small2}, {Zone: ap-beijing-5, SpecCode: pg.it.huge}]}\n`,
      'scaleOut.fallback.1.SpecCode',
      /not allowed by the policy.*policy\.specNotAllowed/,
    ],
    [
      'a fallback region the policy does not allow',
      `${SCALE_OUT}, fallback: [{Zone: ap-shanghai-2, SpecCode: pg.it.small2}]}\n`,
      'scaleOut.fallback.0.Zone',
      /Region ap-shanghai is not allowed.*policy\.regionNotAllowed/,
    ],
    [
      'six fallbacks',
      `${SCALE_OUT}, fallback: [${Array(6).fill('{Zone: ap-beijing-5, SpecCode: pg.it.small2}').join(', ')}]}\n`,
      'scaleOut.fallback',
      /at most 5/,
    ],
    ['scale-in without enabled', '    scaleIn: {cooldownSeconds: 60}\n', 'scaleIn.enabled', /./],
    [
      'a negative scale-in cooldown',
      '    scaleIn: {enabled: true, cooldownSeconds: -5}\n',
      'scaleIn.cooldownSeconds',
      /0 or more seconds/,
    ],
    [
      'a negative stable time',
      '    scaleIn: {enabled: true, stableForSeconds: -1}\n',
      'scaleIn.stableForSeconds',
      /0 or more seconds/,
    ],
    [
      'an unknown destroy mode',
      '    scaleIn: {enabled: true, destroy: later}\n',
      'scaleIn.destroy',
      /immediate or recycle-bin/,
    ],
    [
      'an unknown scale-in field',
      '    scaleIn: {enabled: true, minReplicas: 1}\n',
      'scaleIn.minReplicas',
      /Unknown field/,
    ],
    [
      'an unknown group mode',
      '    readOnlyGroup: {mode: sometimes}\n',
      'readOnlyGroup.mode',
      /auto, none or a read-only group id/,
    ],
    ['a group without a mode', '    readOnlyGroup: {name: readers}\n', 'readOnlyGroup.mode', /./],
    [
      'a group name of 60 characters',
      `    readOnlyGroup: {mode: auto, name: ${'a'.repeat(60)}}\n`,
      'readOnlyGroup.name',
      /1-59/,
    ],
    [
      'a group name with a space',
      "    readOnlyGroup: {mode: auto, name: 'my group'}\n",
      'readOnlyGroup.name',
      /1-59/,
    ],
    [
      'a name with mode none',
      '    readOnlyGroup: {mode: none, name: readers}\n',
      'readOnlyGroup.name',
      /mode none/,
    ],
    [
      'a name with a group id',
      '    readOnlyGroup: {mode: pgrogrp-ab12cd34, name: readers}\n',
      'readOnlyGroup.name',
      /mode pgrogrp-ab12cd34/,
    ],
    [
      'lag settings with mode none',
      '    readOnlyGroup: {mode: none, maxReplayLag: 5}\n',
      'readOnlyGroup.maxReplayLag',
      /mode none has none/,
    ],
    [
      'a zero maxReplayLag',
      '    readOnlyGroup: {mode: auto, maxReplayLag: 0}\n',
      'readOnlyGroup.maxReplayLag',
      /1 or more seconds/,
    ],
    [
      'a zero maxReplayLatency',
      '    readOnlyGroup: {mode: auto, maxReplayLatency: 0}\n',
      'readOnlyGroup.maxReplayLatency',
      /1 or more MB/,
    ],
    [
      'a reserve above 100',
      '    readOnlyGroup: {mode: auto, minDelayEliminateReserve: 101}\n',
      'readOnlyGroup.minDelayEliminateReserve',
      /0-100/,
    ],
  ])('refuses %s', (_, entry, field, message) => {
    const issues = issuesFor(entry);

    expect(issues).toContainEqual({ field: at(field), message: expect.stringMatching(message) });
  });
});

describe('the shipped example policy', () => {
  it('shows every fleet field', () => {
    const text = readFileSync(shippedPolicyPath('example.yaml'), 'utf8');
    for (const field of [
      'minReplicas',
      'fallback',
      'scaleIn',
      'stableForSeconds',
      'destroy',
      'readOnlyGroup',
      'mode',
      'name',
      'maxReplayLag',
      'maxReplayLatency',
      'minDelayEliminateReserve',
    ]) {
      expect(text).toMatch(new RegExp(`^\\s*${field}:`, 'm'));
    }
  });
});
