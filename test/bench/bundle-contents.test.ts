import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BundleBuild, buildAllBundles, FUNCTIONS, type FunctionName } from '../../scripts/bundle.ts';
import { BUNDLE_RULES, bundleRuleViolations } from './bundle-rules.ts';

/**
 * The bundle rules of docs/bundling.md, checked on what esbuild put in each function's bundle (one
 * build of the five, shared by every test): the cold start bench measures the effect, these catch the
 * cause coming back, naming the function, the rule and the import chain that broke it.
 */
describe('function bundles', () => {
  let dir: string;
  const builds = new Map<FunctionName, BundleBuild>();

  beforeAll(async () => {
    // Away from .build/, which packaging (and its tests) read meanwhile.
    dir = await mkdtemp(path.join(tmpdir(), 'replica-flow-bundles-'));
    for (const build of await buildAllBundles(undefined, dir)) builds.set(build.report.name, build);
  }, 120_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const buildOf = (name: FunctionName): BundleBuild => {
    const build = builds.get(name);
    if (!build) throw new Error(`no bundle was built for ${name}`);
    return build;
  };

  for (const name of FUNCTIONS) {
    describe(name, () => {
      for (const rule of BUNDLE_RULES.filter((candidate) => candidate.placement[name])) {
        it(rule.rule, () => {
          const { report, metafile } = buildOf(name);
          expect(bundleRuleViolations(name, report, metafile, [rule])).toEqual([]);
        });
      }

      it('loads with the handler less than 60 % of its bundle', () => {
        const { report } = buildOf(name);
        expect(report.importedBytes).toBeLessThan(report.bytes * 0.6);
      });
    });
  }
});
