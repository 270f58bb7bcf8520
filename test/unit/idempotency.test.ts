import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  checkReplay,
  DEFAULT_RETENTION_SECONDS,
  expiresAtFor,
  instanceNameFor,
  legacyRequestIdFor,
  payloadHash,
  REQUEST_TAG_KEY,
  requestIdFor,
} from '#shared/domain/idempotency.ts';
import { tencentFields } from '#shared/domain/replica-request-fields.ts';
import { parseStoredRequest } from '#shared/domain/stored-request.ts';
import { ConfigError, IdempotencyConflictError, ValidationError } from '#shared/errors.ts';
import { seedRequest, slackRequester } from '#test/fixtures/replica-requests.ts';
import { assertProperty } from '#test/support/property-seed.ts';

const stored = (overrides: Record<string, unknown> = {}) =>
  parseStoredRequest(
    seedRequest({ idempotencyKey: 'slack:T0001:abc', requester: slackRequester, ...overrides }),
  );

const printableKey = fc.stringMatching(/^[\x20-\x7e]{1,255}$/);
const scope = fc.stringMatching(/^[\x20-\x7e]{1,80}$/);

describe('requestIdFor', () => {
  it('is r- and the first 16 hex characters of SHA-256 of the scope, a line feed and the key', () => {
    // SHA-256("api:billing\nabc") = 07bb55b9c04d5700…
    expect(requestIdFor('api:billing', 'abc')).toBe('r-07bb55b9c04d5700');
  });

  it('gives the same scope and key the same id, every time', () => {
    assertProperty(
      fc.property(scope, printableKey, (owner, key) => {
        expect(requestIdFor(owner, key)).toBe(requestIdFor(owner, key));
        expect(requestIdFor(owner, key)).toMatch(/^r-[0-9a-f]{16}$/);
      }),
      {},
    );
  });

  it('gives one key used by two callers two ids, neither of them the pre-scope id', () => {
    assertProperty(
      fc.property(scope, scope, printableKey, (first, second, key) => {
        fc.pre(first !== second);
        const ids = new Set([requestIdFor(first, key), requestIdFor(second, key), legacyRequestIdFor(key)]);
        expect(ids.size).toBe(3);
      }),
      {},
    );
  });

  it('gives different keys different ids', () => {
    const ids = new Set(Array.from({ length: 1000 }, (_, index) => requestIdFor('api:a', `key-${index}`)));

    expect(ids.size).toBe(1000);
  });
});

describe('legacyRequestIdFor', () => {
  it('is the id records were keyed by before scopes: SHA-256 of the key alone', () => {
    // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
    expect(legacyRequestIdFor('abc')).toBe('r-ba7816bf8f01cfea');
  });
});

describe('instanceNameFor', () => {
  it('derives rf-<request id>, a valid Tencent instance Name', () => {
    const name = instanceNameFor('r-ba7816bf8f01cfea');

    expect(name).toBe('rf-r-ba7816bf8f01cfea');
    expect(tencentFields.Name.safeParse(name).success).toBe(true);
  });
});

describe('REQUEST_TAG_KEY', () => {
  it('is the tag key reconciliation searches for', () => {
    expect(REQUEST_TAG_KEY).toBe('replica-flow-request-id');
  });
});

describe('canonicalJson', () => {
  it('sorts object keys at every depth, keeps array order and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: undefined, b: null } })).toBe(
      '{"a":{"b":null,"d":[2,1]},"b":1}',
    );
  });
});

describe('payloadHash', () => {
  it('is a hex SHA-256', () => {
    expect(payloadHash(stored())).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not depend on the order of the fields', () => {
    const request = stored();
    const reversed = Object.fromEntries(Object.entries(request).reverse()) as typeof request;

    expect(payloadHash(reversed)).toBe(payloadHash(request));
  });

  it('does not depend on the order of keys in nested objects either', () => {
    assertProperty(
      fc.property(fc.dictionary(fc.string(), fc.string()), (context) => {
        const reordered = Object.fromEntries(Object.entries(context).reverse());

        expect(payloadHash({ requester: { context } })).toBe(
          payloadHash({ requester: { context: reordered } }),
        );
      }),
    );
  });

  it('leaves the idempotency key itself out', () => {
    expect(payloadHash(stored({ idempotencyKey: 'other-key' }))).toBe(payloadHash(stored()));
  });

  it.each([
    ['Storage', { Storage: 110 }],
    ['SecurityGroupIds order', { SecurityGroupIds: ['sg-b', 'sg-a'] }],
    ['dryRun', { dryRun: true }],
    ['callback', { callback: { url: 'https://example.com/hook' } }],
    ['requester', { requester: { ...slackRequester, identity: 'U0999' } }],
  ])('changes when %s changes', (_what, overrides) => {
    expect(payloadHash(stored(overrides))).not.toBe(payloadHash(stored()));
  });
});

describe('checkReplay', () => {
  const existing = { payloadHash: payloadHash(stored()), requestId: 'r-ba7816bf8f01cfea' };

  it("answers 'same' when the key comes back with the same payload", () => {
    expect(checkReplay(existing, payloadHash(stored()), 'slack:T0001:abc')).toBe('same');
  });

  it('refuses the same key with another payload, naming the key and the request it belongs to', () => {
    const reuse = () => checkReplay(existing, payloadHash(stored({ Storage: 200 })), 'slack:T0001:abc');

    expect(reuse).toThrow(IdempotencyConflictError);
    expect(reuse).toThrow(
      expect.objectContaining({
        code: 'IDEMPOTENCY_KEY_REUSED',
        idempotencyKey: 'slack:T0001:abc',
        existingRequestId: 'r-ba7816bf8f01cfea',
      }),
    );
  });
});

describe('expiresAtFor', () => {
  const terminalAt = new Date('2026-11-29T10:00:00.500Z');
  const terminalSeconds = Date.parse('2026-11-29T10:00:00Z') / 1000;

  it('keeps terminal records 30 days by default (epoch seconds, for DynamoDB TTL)', () => {
    expect(DEFAULT_RETENTION_SECONDS).toBe(2_592_000);
    expect(expiresAtFor(terminalAt)).toBe(terminalSeconds + 2_592_000);
  });

  it('takes another retention in seconds', () => {
    expect(expiresAtFor(terminalAt, 3600)).toBe(terminalSeconds + 3600);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a retention of %s seconds', (retention) => {
    expect(() => expiresAtFor(terminalAt, retention)).toThrow(ConfigError);
  });

  it('refuses an invalid date', () => {
    expect(() => expiresAtFor(new Date('not a date'))).toThrow(ValidationError);
  });
});
