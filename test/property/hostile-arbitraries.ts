import fc from 'fast-check';

/** Strings that make parsers and logs uneasy: any code point (lone surrogates too), controls, bidi marks. */
export const oddString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\uFEFF',
    '\u202E\u0041',
    '\uD800',
    '\uDFFF\uD800',
    '𝕡𝕠𝕤𝕥𝕘𝕣𝕖𝕤',
    'e\u0301',
    '\r\n',
    '../../etc/passwd',
    "'; DROP TABLE requests; --",
    `\${jndi:ldap://x}`,
    '__proto__',
    'constructor',
    'postgres-abcdef\u0000',
  ),
);

/** Header values an attacker might send: odd strings, empty ones and very long ones. */
export const hostileHeaderValue: fc.Arbitrary<string> = fc.oneof(
  oddString,
  fc.integer({ min: 1000, max: 20_000 }).map((length) => 'A'.repeat(length)),
);

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

/** JSON values of every shape, with prototype keys, odd strings and extreme numbers mixed in. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.jsonValue({ maxDepth: 2 }),
    oddString,
    fc.constantFrom(null, true, -1, 0, -0, 0.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 2 ** 53),
    fc.integer({ min: 60_000, max: 120_000 }).map((length) => 'x'.repeat(length)),
    fc.dictionary(fc.oneof(oddString, fc.constantFrom(...PROTO_KEYS)), tie('value'), { maxKeys: 4 }),
    fc.array(tie('value'), { maxLength: 4 }),
  ),
})).value;

const nested = (depth: number, open: string, inner: string, close: string) =>
  `${open.repeat(depth)}${inner}${close.repeat(depth)}`;

/** JSON texts (valid or nearly): random documents, deep nesting, prototype pollution, bad numbers. */
export const hostileJson: fc.Arbitrary<string> = fc.oneof(
  fc.json({ maxDepth: 4 }),
  hostileValue.map((value) => JSON.stringify(value) ?? 'null'),
  fc.integer({ min: 100, max: 100_000 }).map((depth) => nested(depth, '[', '', ']')),
  fc.integer({ min: 100, max: 50_000 }).map((depth) => nested(depth, '{"a":', '1', '}')),
  fc.integer({ min: 100, max: 50_000 }).map((depth) => nested(depth, '[', '', '')),
  fc.constantFrom(
    '{"__proto__":{"admin":true}}',
    '{"constructor":{"prototype":{"admin":true}}}',
    '{"MasterDBInstanceId":"postgres-abcdef","__proto__":null}',
    '{"MasterDBInstanceId":"postgres-abcdef","constructor":{"name":"x"}}',
    '{"a":1,"a":2}',
    '1e400',
    '-',
    'NaN',
    '9007199254740993',
    '"\\ud800"',
    '{"Storage": 1e309}',
    '\uFEFF{}',
    '{}garbage',
    'null',
    '[]',
    '',
  ),
);

/** Byte sequences no UTF-8 decoder may accept (overlong, surrogate halves, stray continuations, 0xFF). */
const INVALID_UTF8 = [
  [0xc3, 0x28],
  [0xa0, 0xa1],
  [0xe2, 0x28, 0xa1],
  [0xf0, 0x28, 0x8c, 0xbc],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xff],
  [0x80],
];

/** Raw bodies: hostile JSON, invalid UTF-8 inside JSON or alone, huge bodies, form-encoded junk. */
export const hostileBody: fc.Arbitrary<Buffer> = fc.oneof(
  hostileJson.map((text) => Buffer.from(text, 'utf8')),
  fc
    .tuple(fc.constantFrom(...INVALID_UTF8), fc.constantFrom('{"MasterDBInstanceId":"', '', 'text='))
    .map(([bytes, prefix]) => Buffer.concat([Buffer.from(prefix), Buffer.from(bytes), Buffer.from('"}')])),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
  fc.integer({ min: 60_000, max: 2_000_000 }).map((length) => Buffer.alloc(length, 0x61)),
  fc
    .array(fc.tuple(oddString, oddString), { maxLength: 6 })
    .map((pairs) => Buffer.from(new URLSearchParams(pairs).toString())),
  fc
    .constantFrom('a=%ZZ&b=%', 'payload=%7B', 'command=%2Freplica&text=add', '&&&==&')
    .map((text) => Buffer.from(text)),
);

/** A valid object changed in one place: a field given a hostile value, a field dropped, or a prototype key added. */
export const mutatedObject = (seed: unknown): fc.Arbitrary<unknown> => {
  const base = (typeof seed === 'object' && seed !== null ? seed : {}) as Record<string, unknown>;
  const keys = [...Object.keys(base), ...PROTO_KEYS, 'callback', 'requester', 'dryRun', 'idempotencyKey'];
  return fc.oneof(
    fc.tuple(fc.constantFrom(...keys), hostileValue).map(([key, value]) => ({ ...base, [key]: value })),
    fc.constantFrom(...Object.keys(base)).map((key) => {
      const { [key]: _dropped, ...rest } = base;
      return rest;
    }),
    hostileValue,
  );
};
