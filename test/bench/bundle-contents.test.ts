import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BundleReport, bundleAll, type FunctionName } from '../../scripts/bundle.ts';

/**
 * What keeps the bundles lean (docs/performance.md), checked on what esbuild put in them: the cold
 * start bench measures the effect, these catch the cause coming back.
 */
describe('function bundles', () => {
  let dir: string;
  const reports = new Map<FunctionName, BundleReport>();

  beforeAll(async () => {
    // Away from .build/, which packaging (and its tests) read meanwhile.
    dir = await mkdtemp(path.join(tmpdir(), 'replica-flow-bundles-'));
    for (const report of await bundleAll(undefined, dir)) reports.set(report.name, report);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const packagesOf = (name: FunctionName) => reports.get(name)?.packages ?? [];
  const inputsOf = (name: FunctionName) => reports.get(name)?.inputs ?? [];

  it('holds the Tencent SDK only in the functions that call Tencent', () => {
    for (const name of ['validate', 'create', 'poll'] as const) {
      expect(packagesOf(name)).toContain('tencentcloud-sdk-nodejs');
    }
    for (const name of ['ingest', 'notify'] as const) {
      expect(packagesOf(name)).not.toContain('tencentcloud-sdk-nodejs');
    }
  });

  it('holds the YAML parser only in the functions that read the policy', () => {
    expect(packagesOf('ingest')).toContain('yaml');
    expect(packagesOf('validate')).toContain('yaml');
    for (const name of ['create', 'poll', 'notify'] as const) expect(packagesOf(name)).not.toContain('yaml');
  });

  it('loads with the handler only what every invocation needs; the rest loads when first used', () => {
    for (const name of reports.keys()) {
      const imported = reports.get(name)?.importedPackages ?? [];
      expect(imported, name).toContain('@aws-sdk/client-dynamodb');
      // The Tencent SDK and the policy's YAML parser load when their adapter is built, the SSM client
      // when a secret parameter is read, other credential providers than the environment's never in Lambda,
      // the tracer (with the X-Ray SDK) only in Lambda, when the dependencies are built.
      for (const deferred of [
        'tencentcloud-sdk-nodejs',
        '@aws-lambda-powertools/tracer',
        'aws-xray-sdk-core',
        'yaml',
        '@aws-sdk/client-ssm',
        '@aws-sdk/credential-provider-sso',
        '@aws-sdk/credential-provider-ini',
        '@aws-sdk/nested-clients',
      ]) {
        expect(imported, `${name}: ${deferred}`).not.toContain(deferred);
      }
      const report = reports.get(name);
      expect(report?.importedBytes).toBeLessThan((report?.bytes ?? 0) * 0.6);
    }
  });

  it('leaves out what can never run: multipart, proxy and URL helpers of the Tencent SDK', () => {
    for (const name of reports.keys()) {
      for (const unreachable of [
        'form-data',
        'mime-db',
        'mime-types',
        'https-proxy-agent',
        'whatwg-url',
        'tr46',
      ]) {
        expect(packagesOf(name), `${name}: ${unreachable}`).not.toContain(unreachable);
      }
    }
  });

  it('keeps zod to the schemas used: no import of the whole z object, which pulls in its 40 locales', () => {
    for (const name of reports.keys()) {
      // English, the default, is always there.
      expect(inputsOf(name).filter((input) => /zod\/v4\/locales\/(?!en\.js|index\.js)/.test(input))).toEqual(
        [],
      );
    }
  });

  it('holds zod/mini only, never the full zod build (every schema under shared/ is written with zod-mini.ts)', () => {
    for (const name of reports.keys()) {
      expect(inputsOf(name).filter((input) => input.includes('zod/v4/classic/'))).toEqual([]);
      expect(inputsOf(name).some((input) => input.includes('zod/v4/mini/'))).toBe(true);
    }
  });
});
