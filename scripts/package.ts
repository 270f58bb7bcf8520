/**
 * `npm run package -- --stage prod`: `serverless package` fully offline. The local plugin
 * (scripts/bundle-plugin.cjs) bundles every function first; osls then zips each bundle with the
 * stage's policy file and writes the CloudFormation template to `.serverless/`.
 *
 * Packaging needs no AWS account: osls only calls AWS for deploy-time work and for variable sources
 * (`${ssm:…}`, `${cf:…}`, `${aws:accountId}`) that serverless.yml deliberately does not use. To keep
 * it that way, the child process gets placeholder credentials (so the SDK never looks for a
 * profile, SSO session or instance metadata) and no profile or session token of the caller.
 * `serverless deploy --package .serverless --stage <stage>` later deploys exactly this package.
 */
import { spawn } from 'node:child_process';
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SERVERLESS = path.join(ROOT, 'node_modules', 'osls', 'bin', 'serverless.js');

/** The environment of an offline `serverless package`: the caller's, without any AWS identity. */
export const offlineEnvironment = (env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv => {
  const offline: NodeJS.ProcessEnv = { ...env };
  for (const name of ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_ROLE_ARN']) {
    delete offline[name];
  }
  return {
    ...offline,
    AWS_ACCESS_KEY_ID: 'AKIAOFFLINEPACKAGING0',
    AWS_SECRET_ACCESS_KEY: 'offline-packaging-has-no-aws-credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    // osls: no interactive prompts, plain CI-style output.
    CI: env.CI ?? 'true',
  };
};

export interface PackageResult {
  readonly code: number;
  readonly output: string;
}

/**
 * One `serverless package` at a time in this checkout: osls writes the create-stack template into
 * `.serverless/` before copying it to `--package`, and every run (a refused one too) removes
 * `.serverless/`, so two at once lose each other's files. A directory made with `mkdir` is the lock
 * (atomic across processes); one left by a killed run is taken over after LOCK_STALE_MS.
 */
const LOCK_DIR = path.join(ROOT, '.build', '.package-lock');
const LOCK_STALE_MS = 10 * 60_000;

const withPackageLock = async <T>(work: () => Promise<T>): Promise<T> => {
  await mkdir(path.dirname(LOCK_DIR), { recursive: true });
  for (;;) {
    try {
      await mkdir(LOCK_DIR);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const held = await stat(LOCK_DIR).catch(() => undefined);
      if (held && Date.now() - held.mtimeMs > LOCK_STALE_MS)
        await rm(LOCK_DIR, { recursive: true, force: true });
      else await sleep(200);
    }
  }
  try {
    return await work();
  } finally {
    await rm(LOCK_DIR, { recursive: true, force: true });
  }
};

/** Runs `serverless package <args>` offline; resolves with the exit code and the combined output. */
export const packageService = (
  args: readonly string[],
  options: { readonly env?: NodeJS.ProcessEnv; readonly echo?: boolean } = {},
): Promise<PackageResult> => withPackageLock(() => runPackage(args, options));

const runPackage = (
  args: readonly string[],
  options: { readonly env?: NodeJS.ProcessEnv; readonly echo?: boolean },
): Promise<PackageResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SERVERLESS, 'package', ...args], {
      cwd: ROOT,
      env: offlineEnvironment(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (options.echo) process.stdout.write(chunk);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const { code } = await packageService(process.argv.slice(2), { echo: true });
  if (code === 0) console.log(`packaged in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.exitCode = code;
}
