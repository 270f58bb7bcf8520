/**
 * The policy's patterns for primary ids and spec codes: `*` matches any run of characters
 * (including none), `?` exactly one; everything else matches itself. No other glob syntax.
 */

export const isGlob = (pattern: string): boolean => pattern.includes('*') || pattern.includes('?');

const compiled = new Map<string, RegExp>();

const toRegExp = (pattern: string): RegExp => {
  const cached = compiled.get(pattern);
  if (cached) return cached;
  const source = [...pattern]
    .map((char) => {
      if (char === '*') return '.*';
      if (char === '?') return '.';
      return char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  const regExp = new RegExp(`^${source}$`, 'u');
  compiled.set(pattern, regExp);
  return regExp;
};

export const matchesGlob = (pattern: string, value: string): boolean =>
  isGlob(pattern) ? toRegExp(pattern).test(value) : pattern === value;

export const matchesAny = (patterns: readonly string[], value: string): boolean =>
  patterns.some((pattern) => matchesGlob(pattern, value));
