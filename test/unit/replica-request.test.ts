import { describe, expect, it } from 'vitest';
import { DEPLOYMENT_TAG_KEY } from '#shared/domain/deployment-identity.ts';
import { REQUEST_TAG_KEY, RESERVED_TAG_PREFIX } from '#shared/domain/idempotency.ts';
import { parseReplicaPlan } from '#shared/domain/replica-plan.ts';
import { formatIssues, parseReplicaRequest, REQUESTER_SOURCES } from '#shared/domain/replica-request.ts';
import { SUPPORTED_REGIONS } from '#shared/domain/replica-request-fields.ts';
import { parseStoredRequest } from '#shared/domain/stored-request.ts';
import { type FieldIssue, ValidationError } from '#shared/errors.ts';
import { createRequestParams } from '#shared/use-cases/create-request-params.ts';
import { seedExample1, seedRequest, slackRequester } from '#test/fixtures/replica-requests.ts';

/** The issues a rejected input produces (fails the test if the input is accepted). */
const issuesOf = (input: unknown, parse: (input: unknown) => unknown = parseReplicaRequest): FieldIssue[] => {
  try {
    parse(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return [...(error as ValidationError).issues];
  }
  throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
};

const accepts = (overrides: Record<string, unknown>) => () => parseReplicaRequest(seedRequest(overrides));
const onlyPrimary = (overrides: Record<string, unknown> = {}) => ({
  MasterDBInstanceId: 'postgres-abcdef',
  ...overrides,
});

describe('parseReplicaRequest', () => {
  describe('the seed example', () => {
    it("accepts the seed's Example 1 body with Region ap-beijing, unchanged", () => {
      const body = seedRequest();

      const request = parseReplicaRequest(body);

      expect(request).toEqual(body);
    });

    it("accepts the seed's Example 1 body without Region (the policy may know the primary's region)", () => {
      expect(parseReplicaRequest(seedExample1())).toEqual(seedExample1());
    });

    it('keeps ReadOnlyGroupId "" (no group), ProjectId 1 and the deprecated DBVersion as sent', () => {
      const request = parseReplicaRequest(seedRequest());

      expect(request).toMatchObject({ ReadOnlyGroupId: '', ProjectId: 1, DBVersion: '12.22' });
    });
  });

  describe('what a request must say', () => {
    it('accepts a request as short as "a replica of postgres-abcdef"', () => {
      expect(parseReplicaRequest(onlyPrimary())).toEqual({ MasterDBInstanceId: 'postgres-abcdef' });
    });

    it('requires MasterDBInstanceId', () => {
      expect(issuesOf({ Region: 'ap-beijing' })).toEqual([
        { field: 'MasterDBInstanceId', message: 'is required' },
      ]);
    });

    it('rejects a body that is not an object', () => {
      expect(issuesOf('postgres-abcdef')).toEqual([
        { field: '(root)', message: 'must be an object (got "postgres-abcdef")' },
      ]);
      expect(issuesOf(null)[0]?.field).toBe('(root)');
      expect(issuesOf([onlyPrimary()])[0]?.field).toBe('(root)');
    });
  });

  describe('unknown fields', () => {
    it('rejects an unknown field, naming it', () => {
      expect(issuesOf(seedRequest({ Foo: 1 }))).toEqual([{ field: 'Foo', message: 'Unknown field "Foo"' }]);
    });

    it('rejects Tencent fields with the wrong case (the names are PascalCase, as Tencent spells them)', () => {
      expect(issuesOf(onlyPrimary({ storage: 100 }))).toEqual([
        { field: 'storage', message: 'Unknown field "storage"' },
      ]);
    });

    it('rejects unknown fields inside requester, callback and TagList, with their dotted path', () => {
      const issues = issuesOf(
        onlyPrimary({
          requester: { ...slackRequester, role: 'admin' },
          callback: { url: 'https://example.com/hook', secret: 'x' },
          TagList: { TagKey: 'team', TagValue: 'db', Extra: 1 },
        }),
      );

      expect(issues).toEqual(
        expect.arrayContaining([
          { field: 'requester.role', message: 'Unknown field "role"' },
          { field: 'callback.secret', message: 'Unknown field "secret"' },
          { field: 'TagList.Extra', message: 'Unknown field "Extra"' },
        ]),
      );
    });

    it('rejects __proto__ and constructor as unknown fields and never merges them', () => {
      const body = JSON.parse(
        '{"MasterDBInstanceId":"postgres-abcdef","__proto__":{"polluted":1},"constructor":{}}',
      );

      expect(issuesOf(body)).toEqual([
        { field: '__proto__', message: 'Unknown field "__proto__"' },
        { field: 'constructor', message: 'Unknown field "constructor"' },
      ]);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('rejects __proto__ inside a nested object', () => {
      const body = JSON.parse(
        '{"MasterDBInstanceId":"postgres-abcdef","requester":{"source":"api","identity":"me","__proto__":{"x":1}}}',
      );

      expect(issuesOf(body)).toEqual([
        { field: 'requester.__proto__', message: 'Unknown field "__proto__"' },
      ]);
    });

    it('refuses __proto__, constructor and prototype as requester.context keys', () => {
      const context = JSON.parse('{"__proto__":"a","constructor":"b","prototype":"c","channel":"C1"}');

      const issues = issuesOf(onlyPrimary({ requester: { source: 'slack', identity: 'U1', context } }));

      expect(issues.map((issue) => issue.field)).toEqual([
        'requester.context.__proto__',
        'requester.context.constructor',
        'requester.context.prototype',
      ]);
      expect(issues[0]?.message).toBe('Forbidden field "__proto__"');
    });
  });

  describe('errors', () => {
    it('throws a ValidationError whose message names every field and rule on one line', () => {
      const error = (() => {
        try {
          parseReplicaRequest(seedRequest({ Storage: 105, Foo: true }));
        } catch (caught) {
          return caught as ValidationError;
        }
        throw new Error('accepted');
      })();

      expect(error).toBeInstanceOf(ValidationError);
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.message).toBe(
        'Invalid replica request: Storage: must be a multiple of 10 (got 105); Foo: Unknown field "Foo"',
      );
    });

    it('reports every broken field, not only the first', () => {
      const issues = issuesOf(
        seedRequest({ Storage: 105, InstanceCount: 7, Zone: 'nowhere', AutoVoucher: 2, Bar: 1 }),
      );

      expect(issues.map((issue) => issue.field).sort()).toEqual(
        ['AutoVoucher', 'Bar', 'InstanceCount', 'Storage', 'Zone'].sort(),
      );
    });

    it('still checks cross-field rules when other fields are broken', () => {
      const issues = issuesOf(seedRequest({ Storage: 105, VoucherIds: ['a', 'b'], Period: 12 }));

      expect(issues).toContainEqual({ field: 'Period', message: 'must be 1 for POSTPAID_BY_HOUR (got 12)' });
    });

    it('names the element of an array that is wrong', () => {
      expect(issuesOf(onlyPrimary({ SecurityGroupIds: ['sg-ok1', 'default'] }))).toEqual([
        { field: 'SecurityGroupIds.1', message: 'must look like sg-xxxxxxxx (got "default")' },
      ]);
    });
  });

  describe('Region', () => {
    it.each(SUPPORTED_REGIONS)('accepts %s, a region the seed page lists', (Region) => {
      expect(parseReplicaRequest(onlyPrimary({ Region })).Region).toBe(Region);
    });

    it('rejects a region the API does not support', () => {
      expect(issuesOf(onlyPrimary({ Region: 'ap-mumbai' }))).toEqual([
        {
          field: 'Region',
          message: 'must be a region CreateReadOnlyDBInstance supports, like ap-beijing (got "ap-mumbai")',
        },
      ]);
    });
  });

  describe('Zone', () => {
    it.each(['ap-beijing-4', 'ap-guangzhou-3', 'ap-shanghai-fsi-1', 'na-siliconvalley-2'])(
      'accepts %s',
      (Zone) => {
        expect(parseReplicaRequest(onlyPrimary({ Zone })).Zone).toBe(Zone);
      },
    );

    it.each(['ap-beijing', 'beijing-4', 'ap-mumbai-1', 'AP-BEIJING-4'])('rejects %s', (Zone) => {
      expect(issuesOf(onlyPrimary({ Zone }))[0]?.message).toMatch(/^must be a zone of a supported region/);
    });

    it('must be a zone of Region when both are given', () => {
      expect(issuesOf(seedRequest({ Zone: 'ap-guangzhou-3' }))).toEqual([
        { field: 'Zone', message: 'must be a zone of Region ap-beijing (got "ap-guangzhou-3")' },
      ]);
    });
  });

  describe('Tencent ids', () => {
    it.each([
      ['MasterDBInstanceId', 'postgres-abcdef12', 'pgro-abcdef12', 'postgres-xxxxxxxx'],
      ['VpcId', 'vpc-8btfafeo', 'vpc_8btfafeo', 'vpc-xxxxxxxx'],
      ['SubnetId', 'subnet-1i9huswn', 'subnet-', 'subnet-xxxxxxxx'],
    ])('%s accepts %s and rejects %s', (field, good, bad, shape) => {
      expect(parseReplicaRequest(onlyPrimary({ [field]: good }))).toHaveProperty(field, good);
      expect(issuesOf(onlyPrimary({ [field]: bad }))).toEqual([
        { field, message: `must look like ${shape} (got "${bad}")` },
      ]);
    });

    it('accepts ids of other lengths than 8 (emulators and old accounts use them)', () => {
      expect(() => parseReplicaRequest(onlyPrimary({ MasterDBInstanceId: 'postgres-a1' }))).not.toThrow();
    });

    it('accepts ReadOnlyGroupId "" (none) or a pgrogrp- id', () => {
      expect(accepts({ ReadOnlyGroupId: '' })).not.toThrow();
      expect(accepts({ ReadOnlyGroupId: 'pgrogrp-htrtddr0' })).not.toThrow();
      expect(issuesOf(seedRequest({ ReadOnlyGroupId: 'group-1' }))).toEqual([
        { field: 'ReadOnlyGroupId', message: 'must be "" or look like pgrogrp-xxxxxxxx (got "group-1")' },
      ]);
    });

    it('accepts any number of sg- security groups, including none', () => {
      expect(accepts({ SecurityGroupIds: [] })).not.toThrow();
      expect(accepts({ SecurityGroupIds: ['sg-a1', 'sg-b2', 'sg-c3'] })).not.toThrow();
    });

    it('accepts a DedicatedClusterId of letters, digits, "_" and "-"', () => {
      expect(accepts({ DedicatedClusterId: 'cluster-1a2b' })).not.toThrow();
      expect(issuesOf(seedRequest({ DedicatedClusterId: 'a b' }))[0]?.field).toBe('DedicatedClusterId');
    });
  });

  describe('SpecCode', () => {
    it.each(['pg.it.small2', 'cdb.pg.z1.2g', 'pg.it.medium4'])('accepts %s', (SpecCode) => {
      expect(accepts({ SpecCode })).not.toThrow();
    });

    it.each(['', 'pg it', 'pg..x', 42])('rejects %j', (SpecCode) => {
      expect(issuesOf(seedRequest({ SpecCode }))[0]?.field).toBe('SpecCode');
    });
  });

  describe('Storage', () => {
    it.each([10, 100, 6000])('accepts %i GB, a multiple of 10', (Storage) => {
      expect(accepts({ Storage })).not.toThrow();
    });

    it('rejects a size that is not a multiple of 10, saying so', () => {
      expect(formatIssues(issuesOf(seedRequest({ Storage: 105 })))).toBe(
        'Storage: must be a multiple of 10 (got 105)',
      );
    });

    it.each([
      [0, 'must be greater than 0 (got 0)'],
      [-10, 'must be greater than 0 (got -10)'],
      [10.5, 'must be an integer (got 10.5)'],
      ['100', 'must be a number (got "100")'],
    ])('rejects %j', (Storage, message) => {
      expect(issuesOf(seedRequest({ Storage }))[0]).toEqual({ field: 'Storage', message });
    });
  });

  describe('InstanceCount', () => {
    it.each([1, 2, 3, 4, 5, 6])('accepts %i', (InstanceCount) => {
      expect(accepts({ InstanceCount })).not.toThrow();
    });

    it.each([
      [0, 'must be at least 1 (got 0)'],
      [7, 'must be at most 6 (got 7)'],
      [1.5, 'must be an integer (got 1.5)'],
    ])('rejects %j', (InstanceCount, message) => {
      expect(issuesOf(seedRequest({ InstanceCount }))).toEqual([{ field: 'InstanceCount', message }]);
    });
  });

  describe('Period and InstanceChargeType', () => {
    it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 24, 36])('accepts %i months for PREPAID', (Period) => {
      expect(accepts({ InstanceChargeType: 'PREPAID', Period })).not.toThrow();
    });

    it.each([0, 13, 18, 48, 1.5])('rejects %j months whatever the charge type', (Period) => {
      expect(issuesOf(onlyPrimary({ Period }))[0]?.field).toBe('Period');
    });

    it('accepts only 1 for POSTPAID_BY_HOUR', () => {
      expect(accepts({ InstanceChargeType: 'POSTPAID_BY_HOUR', Period: 1 })).not.toThrow();
      expect(issuesOf(seedRequest({ InstanceChargeType: 'POSTPAID_BY_HOUR', Period: 2 }))).toEqual([
        { field: 'Period', message: 'must be 1 for POSTPAID_BY_HOUR (got 2)' },
      ]);
    });

    it('leaves a Period without a charge type to the plan (the policy may default the charge type)', () => {
      expect(parseReplicaRequest(onlyPrimary({ Period: 24 })).Period).toBe(24);
    });

    it('rejects a charge type Tencent does not have', () => {
      expect(issuesOf(seedRequest({ InstanceChargeType: 'POSTPAID' }))).toEqual([
        {
          field: 'InstanceChargeType',
          message: 'must be one of "PREPAID", "POSTPAID_BY_HOUR" (got "POSTPAID")',
        },
      ]);
    });
  });

  describe('0/1 flags', () => {
    it.each(['AutoVoucher', 'AutoRenewFlag', 'NeedSupportIpv6'])('%s accepts 0 and 1 only', (field) => {
      expect(accepts({ [field]: 0 })).not.toThrow();
      expect(accepts({ [field]: 1 })).not.toThrow();
      expect(issuesOf(seedRequest({ [field]: 2 }))).toEqual([
        { field, message: 'must be one of 0, 1 (got 2)' },
      ]);
      expect(issuesOf(seedRequest({ [field]: true }))).toEqual([
        { field, message: 'must be one of 0, 1 (got true)' },
      ]);
    });
  });

  describe('VoucherIds', () => {
    it('accepts one voucher', () => {
      expect(accepts({ VoucherIds: ['voucher-1'] })).not.toThrow();
    });

    it('rejects a second voucher (only one can be specified)', () => {
      expect(issuesOf(seedRequest({ VoucherIds: ['v1', 'v2'] }))).toEqual([
        { field: 'VoucherIds', message: 'only one voucher can be specified (got 2)' },
      ]);
    });
  });

  describe('ProjectId and ActivityId', () => {
    it.each(['ProjectId', 'ActivityId'])('%s accepts a whole number from 0', (field) => {
      expect(accepts({ [field]: 0 })).not.toThrow();
      expect(accepts({ [field]: 1234 })).not.toThrow();
      expect(issuesOf(seedRequest({ [field]: -1 }))[0]?.field).toBe(field);
      expect(issuesOf(seedRequest({ [field]: 1.5 }))[0]?.field).toBe(field);
    });
  });

  describe('TagList', () => {
    it('accepts one {TagKey, TagValue} tag, as the API models it', () => {
      expect(accepts({ TagList: { TagKey: 'team', TagValue: 'billing' } })).not.toThrow();
    });

    it('rejects a list of tags and a tag without a key', () => {
      expect(issuesOf(seedRequest({ TagList: [{ TagKey: 'a', TagValue: 'b' }] }))[0]?.field).toBe('TagList');
      expect(issuesOf(seedRequest({ TagList: { TagKey: '', TagValue: 'b' } }))).toEqual([
        { field: 'TagList.TagKey', message: 'must not be empty' },
      ]);
    });

    it.each([
      REQUEST_TAG_KEY,
      `${RESERVED_TAG_PREFIX}deployment`,
      'Replica-Flow-Request-Id',
      ` ${REQUEST_TAG_KEY}`,
    ])('refuses the reserved tag key %j, naming TagList.TagKey and the rule', (TagKey) => {
      const issues = issuesOf(seedRequest({ TagList: { TagKey, TagValue: 'r-0123456789abcdef' } }));

      expect(issues).toEqual([{ field: 'TagList.TagKey', message: expect.stringContaining('reserved') }]);
      expect(issues[0]?.message).toContain(`must not start with "${RESERVED_TAG_PREFIX}"`);
    });

    it('covers every tag key replica-flow writes on a replica', () => {
      const { DBVersion: _deprecated, ...planFields } = seedExample1();
      const params = createRequestParams(
        parseReplicaPlan({ ...planFields, Region: 'ap-beijing' }),
        'r-0123456789abcdef',
        'rf-r-0123456789abcdef',
        'replica-flow-test',
      );

      for (const tag of params.Tags ?? []) {
        expect(tag.TagKey?.startsWith(RESERVED_TAG_PREFIX)).toBe(true);
        expect(issuesOf(seedRequest({ TagList: { TagKey: tag.TagKey, TagValue: 'x' } }))).toHaveLength(1);
      }
      expect(params.Tags?.map((tag) => tag.TagKey)).toEqual([REQUEST_TAG_KEY, DEPLOYMENT_TAG_KEY]);
      expect(params.Tags?.[1]?.TagValue).toBe('replica-flow-test');
    });
  });

  describe('Name', () => {
    it.each(['replica_1', 'ro-billing', '只读实例-1', 'a'.repeat(59)])('accepts %s', (Name) => {
      expect(accepts({ Name })).not.toThrow();
    });

    it('counts characters, not bytes: 59 Chinese characters are fine', () => {
      expect(accepts({ Name: '库'.repeat(59) })).not.toThrow();
    });

    it('rejects a name of 60 characters or more', () => {
      expect(issuesOf(seedRequest({ Name: 'a'.repeat(60) }))[0]).toEqual({
        field: 'Name',
        message: expect.stringMatching(/^must be shorter than 60 characters/),
      });
    });

    it.each(['with space', 'dot.name', 'émile', 'semi;colon'])('rejects %j', (Name) => {
      expect(issuesOf(seedRequest({ Name }))[0]?.message).toMatch(
        /^may contain only Chinese characters, letters, digits, "_" and "-"/,
      );
    });

    it('rejects an empty name', () => {
      expect(issuesOf(seedRequest({ Name: '' }))).toEqual([{ field: 'Name', message: 'must not be empty' }]);
    });
  });

  describe('DBVersion and DeletionProtection', () => {
    it('accepts the deprecated DBVersion (it is never sent)', () => {
      expect(accepts({ DBVersion: '16.4' })).not.toThrow();
    });

    it('accepts DeletionProtection as a boolean only', () => {
      expect(accepts({ DeletionProtection: true })).not.toThrow();
      expect(issuesOf(seedRequest({ DeletionProtection: 'true' }))).toEqual([
        { field: 'DeletionProtection', message: 'must be a boolean (got "true")' },
      ]);
    });
  });

  describe('requester', () => {
    it.each(REQUESTER_SOURCES)('accepts source %s', (source) => {
      expect(
        parseReplicaRequest(onlyPrimary({ requester: { source, identity: 'someone' } })).requester?.source,
      ).toBe(source);
    });

    it('carries the source context (Slack channel, response_url, …) as strings', () => {
      expect(parseReplicaRequest(onlyPrimary({ requester: slackRequester })).requester).toEqual(
        slackRequester,
      );
      expect(issuesOf(onlyPrimary({ requester: { ...slackRequester, context: { issue: 12 } } }))).toEqual([
        { field: 'requester.context.issue', message: 'must be a string (got 12)' },
      ]);
    });

    it('rejects an unknown source and an empty identity', () => {
      const issues = issuesOf(onlyPrimary({ requester: { source: 'email', identity: '' } }));

      expect(issues.map((issue) => issue.field)).toEqual(['requester.source', 'requester.identity']);
    });
  });

  describe('callback', () => {
    it.each(['https://hooks.example.com/replicas', 'http://localhost:8080/hook'])('accepts %s', (url) => {
      expect(parseReplicaRequest(onlyPrimary({ callback: { url } })).callback).toEqual({ url });
    });

    it.each(['ftp://example.com/x', 'not a url', 'javascript:alert(1)'])('rejects %s', (url) => {
      expect(issuesOf(onlyPrimary({ callback: { url } }))[0]).toEqual({
        field: 'callback.url',
        message: expect.stringMatching(/^must be an http\(s\) URL/),
      });
    });
  });

  describe('idempotencyKey and dryRun', () => {
    it('accepts 1 to 255 printable characters', () => {
      expect(accepts({ idempotencyKey: 'k' })).not.toThrow();
      expect(accepts({ idempotencyKey: 'slack:T0001:1717171717.000100 add postgres-abcdef' })).not.toThrow();
      expect(accepts({ idempotencyKey: '~'.repeat(255) })).not.toThrow();
    });

    it.each([
      ['', 'must not be empty'],
      ['x'.repeat(256), expect.stringMatching(/^must have at most 255 characters/)],
      ['line\nbreak', 'must contain only printable ASCII characters'],
      ['clé', 'must contain only printable ASCII characters'],
    ])('rejects %j', (idempotencyKey, message) => {
      expect(issuesOf(seedRequest({ idempotencyKey }))).toEqual([{ field: 'idempotencyKey', message }]);
    });

    it('accepts dryRun as a boolean', () => {
      expect(parseReplicaRequest(onlyPrimary({ dryRun: true })).dryRun).toBe(true);
      expect(issuesOf(onlyPrimary({ dryRun: 'yes' }))[0]?.field).toBe('dryRun');
    });
  });
});

describe('parseStoredRequest', () => {
  it('accepts a request that carries its idempotency key and requester', () => {
    const stored = seedRequest({ idempotencyKey: 'key-1', requester: slackRequester });

    expect(parseStoredRequest(stored)).toEqual(stored);
  });

  it('requires idempotencyKey and requester, which the ingress always fills', () => {
    expect(issuesOf(seedRequest(), parseStoredRequest)).toEqual([
      { field: 'requester', message: 'is required' },
      { field: 'idempotencyKey', message: 'is required' },
    ]);
  });

  it('applies every request rule as well', () => {
    expect(
      issuesOf(
        seedRequest({ idempotencyKey: 'k', requester: slackRequester, Storage: 15 }),
        parseStoredRequest,
      ),
    ).toEqual([{ field: 'Storage', message: 'must be a multiple of 10 (got 15)' }]);
  });
});

describe('parseReplicaPlan', () => {
  const plan = () => {
    const { DBVersion: _ignored, ...parameters } = seedRequest();
    return parameters;
  };

  it('accepts the fully resolved seed parameters and returns a frozen plan', () => {
    const parsed = parseReplicaPlan(plan());

    expect(parsed).toEqual(plan());
    expect(Object.isFrozen(parsed)).toBe(true);
  });

  it('requires every parameter Tencent requires, VpcId and SubnetId included', () => {
    const issues = issuesOf({ MasterDBInstanceId: 'postgres-abcdef' }, parseReplicaPlan);

    expect(issues.map((issue) => issue.field)).toEqual([
      'Region',
      'Zone',
      'SpecCode',
      'Storage',
      'InstanceCount',
      'Period',
      'InstanceChargeType',
      'VpcId',
      'SubnetId',
    ]);
  });

  it('has no room for replica-flow fields or the deprecated DBVersion', () => {
    expect(issuesOf({ ...plan(), DBVersion: '12.22', dryRun: true }, parseReplicaPlan)).toEqual([
      { field: 'DBVersion', message: 'Unknown field "DBVersion"' },
      { field: 'dryRun', message: 'Unknown field "dryRun"' },
    ]);
  });

  it('checks Period against the charge type', () => {
    expect(issuesOf({ ...plan(), Period: 3 }, parseReplicaPlan)).toEqual([
      { field: 'Period', message: 'must be 1 for POSTPAID_BY_HOUR (got 3)' },
    ]);
  });
});

describe('formatIssues', () => {
  it('joins issues on one line, field first', () => {
    expect(
      formatIssues([
        { field: 'Storage', message: 'must be a multiple of 10 (got 105)' },
        { field: 'Foo', message: 'Unknown field "Foo"' },
      ]),
    ).toBe('Storage: must be a multiple of 10 (got 105); Foo: Unknown field "Foo"');
  });

  it('does not prefix an issue about the whole value', () => {
    expect(formatIssues([{ field: '(root)', message: 'must be an object (got null)' }])).toBe(
      'must be an object (got null)',
    );
  });
});
