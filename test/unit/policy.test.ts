import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  checkReplicaLimit,
  findPrimaryPolicy,
  matchesGlob,
  maxReplicasFor,
  type Policy,
  resolvePlan,
} from '#shared/domain/policy.ts';
import { loadPolicy, parsePolicy } from '#shared/domain/policy-loader.ts';
import { parseReplicaRequest } from '#shared/domain/replica-request.ts';
import { ConfigError, ValidationError } from '#shared/errors.ts';
import { policyFixturePath, shippedPolicyPath } from '#test/fixtures/policies.ts';
import { seedExample1, seedRequest } from '#test/fixtures/replica-requests.ts';

const rulesPolicy = (): Policy => loadPolicy(policyFixturePath('rules.yaml'));
const request = (body: Record<string, unknown>) => parseReplicaRequest(body);
const primary = (MasterDBInstanceId: string, overrides: Record<string, unknown> = {}) =>
  request({ MasterDBInstanceId, ...overrides });

/** A full set of create parameters for a primary the policy has no defaults for. */
const complete = (MasterDBInstanceId: string, overrides: Record<string, unknown> = {}) =>
  request({
    MasterDBInstanceId,
    Region: 'ap-guangzhou',
    Zone: 'ap-guangzhou-3',
    SpecCode: 'pg.it.medium4',
    Storage: 200,
    InstanceCount: 1,
    Period: 1,
    VpcId: 'vpc-billinggz',
    SubnetId: 'subnet-billgz03',
    InstanceChargeType: 'POSTPAID_BY_HOUR',
    ...overrides,
  });

/** A minimal valid policy as YAML, with `extra` appended (indented by the caller). */
const yamlPolicy = (extra = '', primaries = '  postgres-abcdef: {}\n') =>
  `version: 1
regions: [ap-beijing]
specs: [pg.it.small2]
limits:
  maxStorage: 500
  maxInstanceCount: 2
  maxReplicasPerPrimary: 3
primaries:
${primaries}${extra}`;

const configErrorOf = (run: () => unknown): ConfigError => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
};

const rulesOf = (violations: readonly { rule: string }[]) => violations.map((violation) => violation.rule);

describe('loadPolicy', () => {
  it('loads the shipped local-stack policy, which allows postgres-abcdef with the seed example values', () => {
    const policy = loadPolicy(shippedPolicyPath('default.yaml'));

    expect(policy.regions).toEqual(['ap-beijing', 'ap-guangzhou', 'ap-shanghai', 'ap-singapore']);
    expect(policy.limits.prepaidAllowed).toBe(false);
    expect(findPrimaryPolicy(policy, 'postgres-abcdef')?.entry.defaults).toEqual({
      Region: 'ap-beijing',
      Zone: 'ap-beijing-4',
      SpecCode: 'pg.it.small2',
      Storage: 100,
      InstanceCount: 1,
      Period: 1,
      VpcId: 'vpc-8btfafeo',
      SubnetId: 'subnet-1i9huswn',
      SecurityGroupIds: ['sg-iwnfp51z'],
      InstanceChargeType: 'POSTPAID_BY_HOUR',
    });
    expect(findPrimaryPolicy(policy, 'postgres-shisol01')?.pattern).toBe('postgres-*');
  });

  it('turns "a replica of postgres-abcdef" into the seed example under the shipped policy', () => {
    const policy = loadPolicy(shippedPolicyPath('default.yaml'));
    const { DBVersion: _deprecated, ProjectId: _project, ReadOnlyGroupId: _group, ...seed } = seedRequest();

    expect(resolvePlan(primary('postgres-abcdef'), policy)).toEqual({ plan: seed, violations: [] });
  });

  it('loads the commented example policy that documents every field', () => {
    const policy = loadPolicy(shippedPolicyPath('example.yaml'));
    const entry = findPrimaryPolicy(policy, 'postgres-abcdef')?.entry;

    expect(entry?.slack).toEqual({ users: ['U0123ABCD'], channels: ['C0456EFGH'] });
    expect(entry?.scaleOut).toMatchObject({ enabled: true, maxReplicas: 3, cooldownSeconds: 900 });
    expect(entry?.limits?.maxStorage).toBe(2000);
  });

  it('reads the same policy from JSON as from YAML', () => {
    expect(loadPolicy(policyFixturePath('rules.json'))).toEqual(rulesPolicy());
  });

  it('refuses a file that is neither .yaml, .yml nor .json', () => {
    expect(configErrorOf(() => loadPolicy('policy/default.toml')).message).toBe(
      'Policy file policy/default.toml must end in .yaml, .yml or .json',
    );
  });

  it('names the file it cannot read', () => {
    expect(configErrorOf(() => loadPolicy('/nonexistent/policy.yaml')).message).toMatch(
      /^Cannot read policy file \/nonexistent\/policy\.yaml: ENOENT/,
    );
  });
});

describe('parsePolicy', () => {
  it('accepts a minimal policy and defaults prepaidAllowed to false', () => {
    expect(parsePolicy(yamlPolicy(), 'yaml').limits).toEqual({
      maxStorage: 500,
      maxInstanceCount: 2,
      maxReplicasPerPrimary: 3,
      prepaidAllowed: false,
    });
  });

  it('throws a ConfigError naming the file, the field path and the rule', () => {
    const text = yamlPolicy('', '  postgres-abcdef:\n    defaults:\n      Storage: 105\n');

    const error = configErrorOf(() => parsePolicy(text, 'yaml', 'policy/team.yaml'));

    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toBe(
      'Policy file policy/team.yaml is invalid: primaries.postgres-abcdef.defaults.Storage: must be a multiple of 10 (got 105)',
    );
  });

  it('keeps every issue in a ValidationError cause', () => {
    const text = yamlPolicy(
      '',
      '  postgres-abcdef:\n    defaults:\n      Storage: 105\n      InstanceCount: 9\n',
    );

    const cause = configErrorOf(() => parsePolicy(text, 'yaml')).cause;

    expect(cause).toBeInstanceOf(ValidationError);
    expect((cause as ValidationError).issues).toEqual([
      { field: 'primaries.postgres-abcdef.defaults.Storage', message: 'must be a multiple of 10 (got 105)' },
      { field: 'primaries.postgres-abcdef.defaults.InstanceCount', message: 'must be at most 6 (got 9)' },
    ]);
  });

  it.each([
    ['at the top', yamlPolicy('maxStorage: 10\n'), 'maxStorage: Unknown field "maxStorage"'],
    [
      'in a primary entry',
      yamlPolicy('', '  postgres-abcdef:\n    default: {}\n'),
      'primaries.postgres-abcdef.default: Unknown field "default"',
    ],
    [
      'in the defaults',
      yamlPolicy('', '  postgres-abcdef:\n    defaults:\n      Name: x\n'),
      'primaries.postgres-abcdef.defaults.Name: Unknown field "Name"',
    ],
    [
      'in the slack section',
      yamlPolicy('', '  postgres-abcdef:\n    slack:\n      admins: [U1]\n'),
      'primaries.postgres-abcdef.slack.admins: Unknown field "admins"',
    ],
    [
      'in the scaleOut section',
      yamlPolicy(
        '',
        '  postgres-abcdef:\n    scaleOut: {enabled: true, maxReplicas: 1, cooldownSeconds: 0, min: 1}\n',
      ),
      'primaries.postgres-abcdef.scaleOut.min: Unknown field "min"',
    ],
  ])('rejects an unknown field %s, naming it', (_where, text, expected) => {
    expect(configErrorOf(() => parsePolicy(text, 'yaml')).message).toContain(expected);
  });

  it('requires version 1, at least one region, spec and primary, and the three limits', () => {
    const error = configErrorOf(() =>
      parsePolicy('{"version": 2, "regions": [], "specs": [], "limits": {}, "primaries": {}}', 'json'),
    );

    expect((error.cause as ValidationError).issues.map((issue) => issue.field)).toEqual([
      'version',
      'regions',
      'specs',
      'limits.maxStorage',
      'limits.maxInstanceCount',
      'limits.maxReplicasPerPrimary',
      'primaries',
    ]);
  });

  it('rejects a region CreateReadOnlyDBInstance does not support', () => {
    expect(
      configErrorOf(() => parsePolicy(yamlPolicy().replace('[ap-beijing]', '[ap-mars]'), 'yaml')).message,
    ).toContain('regions.0: must be a region CreateReadOnlyDBInstance supports');
  });

  it('refuses __proto__ as a primary key instead of dropping it', () => {
    const error = configErrorOf(() =>
      parsePolicy(yamlPolicy('', '  __proto__: {}\n  postgres-abcdef: {}\n'), 'yaml'),
    );

    expect(error.message).toContain('primaries.__proto__: Forbidden field "__proto__"');
    expect(({} as Record<string, unknown>).defaults).toBeUndefined();
  });

  it('rejects a primary key that is neither an id nor a glob', () => {
    expect(
      configErrorOf(() => parsePolicy(yamlPolicy('', '  Postgres_ABC: {}\n'), 'yaml')).message,
    ).toContain('must be a primary id or a glob like postgres-* (got "Postgres_ABC")');
  });

  it('rejects Slack names where ids are expected', () => {
    const text = yamlPolicy(
      '',
      "  postgres-abcdef:\n    slack:\n      users: ['@ada']\n      channels: ['#dba']\n",
    );

    expect((configErrorOf(() => parsePolicy(text, 'yaml')).cause as ValidationError).issues).toEqual([
      {
        field: 'primaries.postgres-abcdef.slack.users.0',
        message: 'must be a Slack user id like U0123ABCD (got "@ada")',
      },
      {
        field: 'primaries.postgres-abcdef.slack.channels.0',
        message: 'must be a Slack channel id like C0123ABCD (got "#dba")',
      },
    ]);
  });

  describe('defaults and scale-out profiles must obey the policy they live in', () => {
    const issuesFor = (entry: string) =>
      (
        configErrorOf(() => parsePolicy(yamlPolicy('', `  postgres-abcdef:\n${entry}`), 'yaml'))
          .cause as ValidationError
      ).issues;

    it('reports every default that breaks a limit, with the rule', () => {
      const issues = issuesFor(
        [
          '    defaults:',
          '      Region: ap-guangzhou',
          '      SpecCode: pg.it.large8',
          '      Storage: 1000',
          '      InstanceCount: 3',
          '      InstanceChargeType: PREPAID',
          '',
        ].join('\n'),
      );

      expect(issues).toEqual([
        {
          field: 'primaries.postgres-abcdef.defaults.Region',
          message:
            'Region ap-guangzhou is not allowed by the policy (allowed: ap-beijing) (policy.regionNotAllowed)',
        },
        {
          field: 'primaries.postgres-abcdef.defaults.SpecCode',
          message:
            'SpecCode pg.it.large8 is not allowed by the policy (allowed: pg.it.small2) (policy.specNotAllowed)',
        },
        {
          field: 'primaries.postgres-abcdef.defaults.Storage',
          message: "Storage 1000 GB is above the policy's maximum of 500 GB (policy.maxStorage)",
        },
        {
          field: 'primaries.postgres-abcdef.defaults.InstanceCount',
          message: "InstanceCount 3 is above the policy's maximum of 2 per request (policy.maxInstanceCount)",
        },
        {
          field: 'primaries.postgres-abcdef.defaults.InstanceChargeType',
          message:
            'InstanceChargeType PREPAID is not allowed by the policy; use POSTPAID_BY_HOUR (policy.prepaidNotAllowed)',
        },
      ]);
    });

    it("judges defaults by the entry's own overrides", () => {
      const text = yamlPolicy(
        '',
        '  postgres-abcdef:\n    limits: {maxStorage: 2000}\n    specs: [pg.it.large8]\n    defaults: {Storage: 1000, SpecCode: pg.it.large8}\n',
      );

      expect(() => parsePolicy(text, 'yaml')).not.toThrow();
    });

    it('rejects a default Zone outside the default Region and a Period the charge type forbids', () => {
      expect(
        issuesFor(
          '    defaults: {Region: ap-beijing, Zone: ap-guangzhou-3, InstanceChargeType: POSTPAID_BY_HOUR, Period: 12}\n',
        ),
      ).toEqual([
        {
          field: 'primaries.postgres-abcdef.defaults.Period',
          message: 'must be 1 for POSTPAID_BY_HOUR (got 12)',
        },
        {
          field: 'primaries.postgres-abcdef.defaults.Zone',
          message: 'must be a zone of Region ap-beijing (got "ap-guangzhou-3")',
        },
      ]);
    });

    it('rejects a scale-out maximum above maxReplicasPerPrimary', () => {
      expect(issuesFor('    scaleOut: {enabled: true, maxReplicas: 4, cooldownSeconds: 300}\n')).toEqual([
        {
          field: 'primaries.postgres-abcdef.scaleOut.maxReplicas',
          message: 'must not exceed maxReplicasPerPrimary 3 (got 4)',
        },
      ]);
    });

    it('rejects a scale-out profile that breaks a limit', () => {
      expect(
        issuesFor(
          '    scaleOut:\n      enabled: true\n      maxReplicas: 2\n      cooldownSeconds: 60\n      profile: {Storage: 900}\n',
        ),
      ).toEqual([
        {
          field: 'primaries.postgres-abcdef.scaleOut.profile.Storage',
          message: "Storage 900 GB is above the policy's maximum of 500 GB (policy.maxStorage)",
        },
      ]);
    });
  });

  it('reports YAML that does not parse, with the position', () => {
    expect(configErrorOf(() => parsePolicy('version: [1', 'yaml', 'p.yaml')).message).toMatch(
      /^Policy file p\.yaml is not valid YAML: .*line 1/s,
    );
  });

  it('refuses duplicate YAML keys rather than keeping the last one', () => {
    expect(configErrorOf(() => parsePolicy('version: 1\nversion: 1\n', 'yaml')).message).toMatch(
      /not valid YAML/,
    );
  });

  it('reports JSON that does not parse', () => {
    expect(configErrorOf(() => parsePolicy('{"version":', 'json', 'p.json')).message).toMatch(
      /^Policy file p\.json is not valid JSON: /,
    );
  });

  it('rejects an empty file', () => {
    expect(configErrorOf(() => parsePolicy('', 'yaml', 'empty.yaml')).message).toBe(
      'Policy file empty.yaml is invalid: must be an object (got null)',
    );
  });
});

describe('findPrimaryPolicy', () => {
  const policy = () =>
    parsePolicy(
      yamlPolicy('', "  'postgres-*': {}\n  postgres-ab*: {}\n  postgres-abcdef: {}\n  postgres-x?: {}\n"),
      'yaml',
    );

  it('prefers an exact id to any glob, wherever it stands in the file', () => {
    expect(findPrimaryPolicy(policy(), 'postgres-abcdef')?.pattern).toBe('postgres-abcdef');
  });

  it('otherwise takes the first matching glob in file order', () => {
    expect(findPrimaryPolicy(policy(), 'postgres-abzzz')?.pattern).toBe('postgres-*');
  });

  it('matches ? to exactly one character', () => {
    const only = parsePolicy(yamlPolicy('', '  postgres-x?: {}\n'), 'yaml');

    expect(findPrimaryPolicy(only, 'postgres-x1')?.pattern).toBe('postgres-x?');
    expect(findPrimaryPolicy(only, 'postgres-x12')).toBeUndefined();
  });

  it('finds nothing for a primary no key matches', () => {
    expect(findPrimaryPolicy(rulesPolicy(), 'mysql-abcdef')).toBeUndefined();
  });
});

describe('matchesGlob', () => {
  it.each([
    ['postgres-*', 'postgres-abc', true],
    ['postgres-*', 'postgres-', true],
    ['postgres-*', 'pgro-abc', false],
    ['pg.it.*', 'pg.it.small2', true],
    ['pg.it.*', 'pgxitxsmall2', false],
    ['pg.it.small2', 'pg.it.small2', true],
    ['pg.it.small2', 'pgXit.small2', false],
  ])('%s against %s is %s', (pattern, value, expected) => {
    expect(matchesGlob(pattern, value)).toBe(expected);
  });
});

describe('resolvePlan', () => {
  it('fills a bare request from the primary defaults', () => {
    const { plan, violations } = resolvePlan(primary('postgres-abcdef'), rulesPolicy());

    expect(violations).toEqual([]);
    expect(plan).toEqual({
      Region: 'ap-beijing',
      Zone: 'ap-beijing-4',
      MasterDBInstanceId: 'postgres-abcdef',
      SpecCode: 'pg.it.small2',
      Storage: 100,
      InstanceCount: 1,
      Period: 1,
      VpcId: 'vpc-8btfafeo',
      SubnetId: 'subnet-1i9huswn',
      SecurityGroupIds: ['sg-iwnfp51z'],
      InstanceChargeType: 'POSTPAID_BY_HOUR',
    });
  });

  it('sends the seed example as it stands, minus the deprecated DBVersion', () => {
    const { DBVersion: _deprecated, ...expected } = seedRequest();

    expect(resolvePlan(request(seedRequest()), rulesPolicy())).toEqual({ plan: expected, violations: [] });
  });

  it('takes Region from the policy when the request (the bare seed example) has none', () => {
    expect(resolvePlan(request(seedExample1()), rulesPolicy()).plan?.Region).toBe('ap-beijing');
  });

  it('lets request values win over the defaults', () => {
    const { plan } = resolvePlan(
      primary('postgres-abcdef', { Storage: 300, SpecCode: 'pg.it.medium4', InstanceCount: 2 }),
      rulesPolicy(),
    );

    expect(plan).toMatchObject({
      Storage: 300,
      SpecCode: 'pg.it.medium4',
      InstanceCount: 2,
      Zone: 'ap-beijing-4',
    });
  });

  it('carries the optional create parameters through, and nothing that is not one', () => {
    const optional = {
      ReadOnlyGroupId: 'pgrogrp-htrtddr0',
      AutoVoucher: 1,
      VoucherIds: ['v-1'],
      AutoRenewFlag: 0,
      ProjectId: 7,
      ActivityId: 3,
      TagList: { TagKey: 'team', TagValue: 'billing' },
      NeedSupportIpv6: 1,
      Name: 'billing-ro',
      DedicatedClusterId: 'cluster-1',
      DeletionProtection: true,
    };
    const extras = {
      DBVersion: '12.22',
      dryRun: true,
      idempotencyKey: 'k',
      callback: { url: 'https://example.com/hook' },
      requester: { source: 'api', identity: 'me' },
    };

    const { plan } = resolvePlan(primary('postgres-abcdef', { ...optional, ...extras }), rulesPolicy());

    expect(plan).toMatchObject(optional);
    for (const field of Object.keys(extras)) expect(plan).not.toHaveProperty(field);
  });

  it('returns a plan exactly when nothing is violated', () => {
    const refused = resolvePlan(primary('postgres-abcdef', { Storage: 600 }), rulesPolicy());

    expect(refused.plan).toBeUndefined();
    expect(refused.violations).toHaveLength(1);
  });

  it('is pure: neither the request nor the policy is changed', () => {
    const policy = rulesPolicy();
    const bare = primary('postgres-abcdef');
    const before = structuredClone({ policy, bare });

    resolvePlan(bare, policy, { existingReplicas: 1 });

    expect({ policy, bare }).toEqual(before);
  });

  describe('rules', () => {
    it('policy.primaryNotAllowed: a primary no key of `primaries` matches', () => {
      const policy = parsePolicy(yamlPolicy(), 'yaml');

      expect(resolvePlan(primary('postgres-zzz'), policy).violations).toEqual([
        {
          rule: 'policy.primaryNotAllowed',
          field: 'MasterDBInstanceId',
          message: 'Primary postgres-zzz is not allowed by the policy (allowed: postgres-abcdef)',
        },
      ]);
    });

    it('policy.regionNotAllowed', () => {
      expect(
        resolvePlan(complete('postgres-other', { Region: 'ap-tokyo', Zone: 'ap-tokyo-1' }), rulesPolicy())
          .violations,
      ).toEqual([
        {
          rule: 'policy.regionNotAllowed',
          field: 'Region',
          message: 'Region ap-tokyo is not allowed by the policy (allowed: ap-beijing, ap-guangzhou)',
        },
      ]);
    });

    it('policy.specNotAllowed, with globs in the allowed list', () => {
      expect(
        resolvePlan(complete('postgres-other', { SpecCode: 'pg.it.medium8' }), rulesPolicy()).violations,
      ).toEqual([]);
      expect(
        resolvePlan(complete('postgres-other', { SpecCode: 'pg.it.large8' }), rulesPolicy()).violations,
      ).toEqual([
        {
          rule: 'policy.specNotAllowed',
          field: 'SpecCode',
          message:
            'SpecCode pg.it.large8 is not allowed by the policy (allowed: pg.it.small2, pg.it.medium*)',
        },
      ]);
    });

    it('policy.maxStorage, inclusive', () => {
      expect(resolvePlan(complete('postgres-other', { Storage: 500 }), rulesPolicy()).violations).toEqual([]);
      expect(resolvePlan(complete('postgres-other', { Storage: 510 }), rulesPolicy()).violations).toEqual([
        {
          rule: 'policy.maxStorage',
          field: 'Storage',
          message: "Storage 510 GB is above the policy's maximum of 500 GB",
        },
      ]);
    });

    it('policy.maxInstanceCount, inclusive', () => {
      expect(resolvePlan(complete('postgres-other', { InstanceCount: 2 }), rulesPolicy()).violations).toEqual(
        [],
      );
      expect(resolvePlan(complete('postgres-other', { InstanceCount: 3 }), rulesPolicy()).violations).toEqual(
        [
          {
            rule: 'policy.maxInstanceCount',
            field: 'InstanceCount',
            message: "InstanceCount 3 is above the policy's maximum of 2 per request",
          },
        ],
      );
    });

    it('policy.prepaidNotAllowed for an explicit PREPAID', () => {
      expect(
        resolvePlan(complete('postgres-other', { InstanceChargeType: 'PREPAID', Period: 12 }), rulesPolicy())
          .violations,
      ).toEqual([
        {
          rule: 'policy.prepaidNotAllowed',
          field: 'InstanceChargeType',
          message: 'InstanceChargeType PREPAID is not allowed by the policy; use POSTPAID_BY_HOUR',
        },
      ]);
    });

    it("policy.prepaidNotAllowed for Tencent's default PREPAID, saying where it came from", () => {
      const bare = complete('postgres-other', { InstanceChargeType: undefined });

      expect(resolvePlan(bare, rulesPolicy()).violations).toEqual([
        {
          rule: 'policy.prepaidNotAllowed',
          field: 'InstanceChargeType',
          message:
            "InstanceChargeType PREPAID (Tencent's default) is not allowed by the policy; use POSTPAID_BY_HOUR",
        },
      ]);
    });

    it("defaults InstanceChargeType to Tencent's PREPAID where prepaid is allowed", () => {
      const bare = complete('postgres-big1', { Period: 12, InstanceChargeType: undefined });

      expect(resolvePlan(bare, rulesPolicy()).plan).toMatchObject({
        InstanceChargeType: 'PREPAID',
        Period: 12,
      });
    });

    it('plan.missingField: every required parameter neither the request nor the defaults give', () => {
      const { violations } = resolvePlan(primary('postgres-other', { Storage: 100 }), rulesPolicy());

      expect(violations.filter((violation) => violation.rule === 'plan.missingField')).toEqual(
        ['Region', 'Zone', 'SpecCode', 'InstanceCount', 'Period', 'VpcId', 'SubnetId'].map((field) => ({
          rule: 'plan.missingField',
          field,
          message: `${field} is required: the request has none and the policy has no default for postgres-other`,
        })),
      );
    });

    it('plan.period: a Period the (possibly defaulted) charge type does not allow', () => {
      expect(resolvePlan(primary('postgres-abcdef', { Period: 6 }), rulesPolicy()).violations).toEqual([
        {
          rule: 'plan.period',
          field: 'Period',
          message:
            'Period must be 1 for POSTPAID_BY_HOUR (got 6); InstanceChargeType is POSTPAID_BY_HOUR (policy default for postgres-abcdef)',
        },
      ]);
    });

    it('plan.zoneRegion: a default Zone that does not fit the Region the request chose', () => {
      expect(
        resolvePlan(primary('postgres-abcdef', { Region: 'ap-guangzhou' }), rulesPolicy()).violations,
      ).toEqual([
        {
          rule: 'plan.zoneRegion',
          field: 'Zone',
          message: 'Zone ap-beijing-4 (policy default for postgres-abcdef) is not in Region ap-guangzhou',
        },
      ]);
    });

    it("policy.maxReplicasPerPrimary: Tencent's current count plus the request", () => {
      const bare = primary('postgres-abcdef', { InstanceCount: 2 });

      expect(resolvePlan(bare, rulesPolicy(), { existingReplicas: 1 }).violations).toEqual([]);
      expect(resolvePlan(bare, rulesPolicy(), { existingReplicas: 2 }).violations).toEqual([
        {
          rule: 'policy.maxReplicasPerPrimary',
          field: 'InstanceCount',
          message:
            "postgres-abcdef has 2 read-only replica(s); 2 more would pass the policy's maximum of 3 per primary",
        },
      ]);
    });

    it('reports every broken rule, not only the first', () => {
      const { plan, violations } = resolvePlan(
        primary('postgres-abcdef', {
          Region: 'ap-shanghai',
          SpecCode: 'pg.it.large8',
          Storage: 1000,
          InstanceCount: 3,
          InstanceChargeType: 'PREPAID',
          Period: 12,
        }),
        rulesPolicy(),
        { existingReplicas: 3 },
      );

      expect(plan).toBeUndefined();
      expect(rulesOf(violations)).toEqual([
        'policy.regionNotAllowed',
        'policy.specNotAllowed',
        'policy.maxStorage',
        'policy.maxInstanceCount',
        'policy.prepaidNotAllowed',
        'plan.zoneRegion',
        'policy.maxReplicasPerPrimary',
      ]);
    });

    it('judges a refused primary only by what the request asked for', () => {
      const policy = parsePolicy(yamlPolicy(), 'yaml');

      expect(rulesOf(resolvePlan(primary('postgres-zzz', { Storage: 900 }), policy).violations)).toEqual([
        'policy.primaryNotAllowed',
        'policy.maxStorage',
      ]);
    });
  });

  describe('per-primary overrides', () => {
    it("applies the matching entry's limits and specs instead of the top-level ones", () => {
      const big = complete('postgres-big1', { Storage: 2000, InstanceCount: 6, SpecCode: 'pg.it.large8' });

      expect(resolvePlan(big, rulesPolicy(), { existingReplicas: 4 }).violations).toEqual([]);
      expect(rulesOf(resolvePlan({ ...big, Storage: 2010 }, rulesPolicy()).violations)).toEqual([
        'policy.maxStorage',
      ]);
    });
  });
});

describe('checkReplicaLimit and maxReplicasFor', () => {
  it('allows reaching the maximum exactly', () => {
    expect(
      checkReplicaLimit({ MasterDBInstanceId: 'postgres-abcdef', InstanceCount: 1 }, rulesPolicy(), 2),
    ).toBe(undefined);
  });

  it('refuses going past it, naming the count and the limit', () => {
    expect(
      checkReplicaLimit({ MasterDBInstanceId: 'postgres-abcdef', InstanceCount: 1 }, rulesPolicy(), 3),
    ).toEqual({
      rule: 'policy.maxReplicasPerPrimary',
      field: 'InstanceCount',
      message:
        "postgres-abcdef has 3 read-only replica(s); 1 more would pass the policy's maximum of 3 per primary",
    });
  });

  it('uses the matching entry override', () => {
    expect(maxReplicasFor(rulesPolicy(), 'postgres-big7')).toBe(10);
    expect(maxReplicasFor(rulesPolicy(), 'postgres-abcdef')).toBe(3);
  });
});

describe('the shipped example policy', () => {
  it('documents every field with a comment', () => {
    const text = readFileSync(shippedPolicyPath('example.yaml'), 'utf8');
    const fields = [
      'version',
      'regions',
      'specs',
      'limits',
      'maxStorage',
      'maxInstanceCount',
      'maxReplicasPerPrimary',
      'prepaidAllowed',
      'primaries',
      'defaults',
      'slack',
      'users',
      'channels',
      'scaleOut',
      'enabled',
      'maxReplicas',
      'cooldownSeconds',
      'profile',
    ];

    for (const field of fields) expect(text).toMatch(new RegExp(`^\\s*${field}:`, 'm'));
    expect(text.split('\n').filter((line) => line.trimStart().startsWith('#')).length).toBeGreaterThan(30);
  });
});
