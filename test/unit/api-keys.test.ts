import { describe, expect, it } from 'vitest';
import { ConfigError } from '#shared/errors.ts';
import { authenticateBearer, parseApiKeys } from '#shared/http/api-keys.ts';
import { HttpError } from '#shared/http/http-error.ts';

const KEY = 'k3y-0123456789abcdef';

/** The ConfigError `parseApiKeys` throws for `setting`, as text. */
const problemOf = (setting: string): string => {
  try {
    parseApiKeys(setting);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`parseApiKeys accepted ${setting}`);
};

describe('parseApiKeys (REPLICA_FLOW_API_KEYS)', () => {
  it('reads name:key:role, keeps name:key working as a submitter, and names a bare key api-key-N', () => {
    const keys = parseApiKeys(` ops:${KEY}-a:admin , billing:${KEY}-b,${KEY}-c, audit:${KEY}-d:reader`);

    expect(keys.map(({ name, role }) => ({ name, role }))).toEqual([
      { name: 'ops', role: 'admin' },
      { name: 'billing', role: 'submitter' },
      { name: 'api-key-3', role: 'submitter' },
      { name: 'audit', role: 'reader' },
    ]);
    expect(authenticateBearer(`Bearer ${KEY}-d`, keys)).toEqual({ name: 'audit', role: 'reader' });
  });

  it('reads nothing from an unset or empty setting (every call is then a 401)', () => {
    expect(parseApiKeys(undefined)).toEqual([]);
    expect(parseApiKeys(' , ')).toEqual([]);
    expect(() => authenticateBearer(`Bearer ${KEY}`, [])).toThrow(HttpError);
  });

  it('lets two keys share a name (a rotation: one caller, one namespace)', () => {
    const keys = parseApiKeys(`billing:${KEY}-old,billing:${KEY}-new`);

    expect(authenticateBearer(`Bearer ${KEY}-old`, keys).name).toBe('billing');
    expect(authenticateBearer(`Bearer ${KEY}-new`, keys).name).toBe('billing');
  });

  it.each([
    [`ops:${KEY}:owner`, 'entry 1 ("ops"): role: must be one of submitter, reader, approver, admin'],
    [`ops:short`, 'entry 1 ("ops"): key: must be at least 16 characters'],
    [`ok:${KEY}-1,:${KEY}-2`, 'entry 2: name:'],
    [`bad name:${KEY}`, 'entry 1 ("bad name"): name: may contain only letters, digits'],
    [`ops:${KEY}:admin:extra`, 'entry 1 ("ops"): must be key, name:key or name:key:role'],
    [`a:${KEY},b:${KEY}:reader`, 'entry 2 ("b"): repeats the key of entry 1'],
  ])('refuses %s, naming the entry and the rule', (setting, expected) => {
    expect(problemOf(setting)).toContain(`REPLICA_FLOW_API_KEYS ${expected}`);
  });

  it('never puts a key in its error message', () => {
    for (const setting of [`ops:${KEY}:owner`, `ops:${KEY}:admin:extra`, `a:${KEY},b:${KEY}`, 'x:tiny-key']) {
      const message = problemOf(setting);
      expect(message).not.toContain(KEY);
      expect(message).not.toContain('tiny-key');
    }
  });
});
