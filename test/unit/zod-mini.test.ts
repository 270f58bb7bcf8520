import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import * as full from 'zod';
import * as z from '#shared/util/zod-mini.ts';

const messages = (result: { error?: { issues: readonly { message: string }[] } | undefined }) =>
  result.error?.issues.map((issue) => issue.message);

describe('zod-mini', () => {
  it('answers with the messages the full zod build gives for the same rules', () => {
    const mini = z.strictObject({
      name: z.string().check(z.minLength(2), z.maxLength(4)),
      count: z.int().check(z.gte(1), z.lte(6)),
      size: z.optional(z.enum(['s', 'm'])),
    });
    const classic = full.strictObject({
      name: full.string().min(2).max(4),
      count: full.int().min(1).max(6),
      size: full.enum(['s', 'm']).optional(),
    });

    for (const input of [{ name: 'x', count: 0, size: 'l' }, { name: 'abcde', count: 7, extra: 1 }, 'text']) {
      const expected = messages(classic.safeParse(input));
      expect(expected?.length).toBeGreaterThan(0);
      expect(messages(mini.safeParse(input))).toEqual(expected);
    }
  });

  it('sets the English messages by itself, in a process that never loads the full build', () => {
    const script = `
      const z = await import('#shared/util/zod-mini.ts');
      const result = z.string().check(z.minLength(2)).safeParse('x');
      console.log(result.error.issues[0].message);`;

    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });

    expect(output.trim()).toBe('Too small: expected string to have >=2 characters');
  });
});
