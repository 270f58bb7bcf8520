import { spawnSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const expected = process.env.EXPECT_NODE;
const ROOT = path.resolve(import.meta.dirname, '../..');

/** What `node` a process started through PATH runs, as the tests start the CLI, tsx and the local stack. */
const nodeFoundOnPath = (command: string, args: readonly string[]) => {
  const child = spawnSync(command, [...args], { cwd: ROOT, encoding: 'utf8', env: process.env });
  expect(child.status, child.stderr).toBe(0);
  return realpathSync(child.stdout.trim());
};

// Set by scripts/vitest-on-node.sh (npm test, npm run test:node22); a bare `npx vitest` checks nothing here.
describe.runIf(expected)('the Node.js the suite was asked to run on', () => {
  it('runs the tests', () => {
    expect(realpathSync(process.execPath)).toBe(expected);
  });

  it('runs the processes the tests start through PATH: node, and tsx', () => {
    expect(nodeFoundOnPath('node', ['-p', 'process.execPath'])).toBe(expected);
    expect(
      nodeFoundOnPath(path.join(ROOT, 'node_modules/.bin/tsx'), ['-e', 'console.log(process.execPath)']),
    ).toBe(expected);
  });
});
