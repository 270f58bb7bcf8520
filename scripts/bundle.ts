/**
 * One minified ESM bundle per Lambda function in `.build/<function>/`: the entry `index.mjs` and its
 * chunks under `chunks/` (each with a source map), holding only what that function's handler imports
 * (tree-shaken per function; each function is bundled on its own, so no bundle loads another's
 * chunk). Split at every `import()`: what only some invocations need sits in chunks that load when
 * first used. What loads when, and the tests that hold it: docs/bundling.md.
 * `serverless.yml` zips each bundle with its stage's policy file.
 *
 *   npx tsx scripts/bundle.ts            # all five functions
 *   npx tsx scripts/bundle.ts create     # only some
 *
 * `@aws-sdk/*` is bundled, not left to the Lambda runtime's copy: the runtime's SDK version moves
 * when AWS updates the runtime, while a bundle runs exactly the version in package-lock.json that
 * the tests ran against (the store relies on recent DynamoDB behaviour such as
 * ReturnValuesOnConditionCheckFailure); a few minified files also load faster at cold start than
 * the runtime's hundreds of SDK files, and `serverless invoke local` runs the same code as Lambda.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile, type Plugin, transform } from 'esbuild';

export const FUNCTIONS = ['ingest', 'validate', 'create', 'poll', 'notify'] as const;
export type FunctionName = (typeof FUNCTIONS)[number];

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BUILD_DIR = path.join(ROOT, '.build');

/**
 * Bundled CommonJS dependencies (the Tencent SDK and its helpers) call `require` for Node built-ins;
 * an ES module has no `require`, so every bundle starts by making one.
 */
const REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module';const require = __createRequire(import.meta.url);";

/**
 * `serverless invoke local` loads a Node handler with `require()`, which finds `.js`/`.cjs` but never
 * `.mjs`. This loader sits beside each bundle for that command only; Lambda resolves `index.mjs`
 * first, and the package patterns in serverless.yml leave the loader out of the zip.
 */
const INVOKE_LOCAL_LOADER = `'use strict';
// For \`serverless invoke local\` only (it require()s handlers and never tries .mjs). Not deployed.
exports.handler = async (event, context) => (await import('./index.mjs')).handler(event, context);
`;

/**
 * node-fetch 2 (the Tencent SDK's HTTP client) picks `URL` as `require('url').URL || whatwgUrl.URL`;
 * Node always has the former, so `whatwg-url` and its 260 KiB Unicode table (tr46) never run. They
 * are replaced by Node's own `URL`, which is what node-fetch uses anyway.
 */
const nodeUrlForWhatwgUrl: Plugin = {
  name: 'node-url-for-whatwg-url',
  setup(builder) {
    builder.onResolve({ filter: /^whatwg-url$/ }, () => ({ path: 'whatwg-url', namespace: 'node-url' }));
    builder.onLoad({ filter: /.*/, namespace: 'node-url' }, () => ({
      contents:
        "import { URL, URLSearchParams } from 'node:url'; export { URL, URLSearchParams }; export default { URL, URLSearchParams };",
      loader: 'js',
      resolveDir: ROOT,
    }));
  },
};

/**
 * Two of the Tencent SDK's dependencies can never run in these bundles, and are replaced by a module
 * that throws if it ever did: `form-data` (with `mime-types` and the 180 KiB `mime-db`) serves only
 * multipart uploads, which no PostgreSQL action uses; `https-proxy-agent` (with `agent-base` and
 * `debug`) serves only calls made without an agent, and the Tencent adapter always passes one (see
 * `tencent-postgres-client.ts`).
 */
const UNREACHABLE_SDK_HELPERS: Readonly<Record<string, string>> = {
  'form-data': 'multipart requests, which no PostgreSQL action makes',
  'https-proxy-agent': 'calls without an explicit agent, which the Tencent adapter never makes',
};

const unreachableSdkHelpers: Plugin = {
  name: 'unreachable-sdk-helpers',
  setup(builder) {
    const filter = new RegExp(`^(${Object.keys(UNREACHABLE_SDK_HELPERS).join('|')})$`);
    builder.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'unreachable' }));
    builder.onLoad({ filter: /.*/, namespace: 'unreachable' }, (args) => ({
      contents: `module.exports = function unreachable() { throw new Error(${JSON.stringify(
        `${args.path} is not bundled: it serves only ${UNREACHABLE_SDK_HELPERS[args.path]}`,
      )}); };`,
      loader: 'js',
    }));
  },
};

/**
 * Our classes keep their names after minification (errors name themselves: `this.name =
 * new.target.name`): each of our own files is compiled with `keepNames` before bundling, so the
 * names are pinned as strings. Only our files: `keepNames` over the whole bundle would pin every
 * function of the AWS SDK too, which makes each bundle ~60 KiB bigger and its import ~10 ms slower.
 * The inline source map keeps stack traces pointing at the TypeScript.
 */
const keepOwnNames: Plugin = {
  name: 'keep-own-names',
  setup(builder) {
    const ownSource = new RegExp(
      `^${ROOT.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')}/(functions|shared)/.*\\.ts$`,
    );
    builder.onLoad({ filter: ownSource }, async (args) => {
      const { code } = await transform(await readFile(args.path, 'utf8'), {
        loader: 'ts',
        format: 'esm',
        target: 'node20',
        keepNames: true,
        sourcemap: 'inline',
        sourcefile: args.path,
        tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } },
      });
      return { contents: code, loader: 'js' };
    });
  },
};

export interface BundleReport {
  readonly name: FunctionName;
  /** The entry, `.build/<function>/index.mjs`. */
  readonly file: string;
  /** Every JavaScript file of the bundle: the entry and its chunks, relative to the bundle's folder. */
  readonly files: readonly string[];
  /** All of the bundle's JavaScript (what the zip holds, source maps aside). */
  readonly bytes: number;
  /** What importing the handler loads: the entry and the chunks it imports statically (a cold start's share). */
  readonly importedBytes: number;
  /** Every package the bundle holds code from (`@scope/name` or `name`), sorted. */
  readonly packages: readonly string[];
  /** Packages of the code loaded with the handler, sorted; the rest load only when first used. */
  readonly importedPackages: readonly string[];
  /** Input files of the code loaded with the handler, relative to the repository. */
  readonly importedInputs: readonly string[];
  /** Every input file, relative to the repository. */
  readonly inputs: readonly string[];
}

const packageOf = (input: string): string | undefined => {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  return match?.[1];
};

const packagesOf = (inputs: readonly string[]): string[] =>
  [...new Set(inputs.map(packageOf).filter((name) => name !== undefined))].sort();

/** The outputs that importing `entry` loads: itself and every chunk reached through static imports. */
const staticClosure = (metafile: Metafile, entry: string): string[] => {
  const seen = new Set<string>();
  const visit = (output: string) => {
    if (seen.has(output)) return;
    seen.add(output);
    for (const imported of metafile.outputs[output]?.imports ?? []) {
      if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
    }
  };
  visit(entry);
  return [...seen];
};

const reportOf = (name: FunctionName, metafile: Metafile, buildDir: string): BundleReport => {
  const outdir = path.join(buildDir, name);
  const file = path.join(outdir, 'index.mjs');
  const entry = path.relative(ROOT, file);
  if (!metafile.outputs[entry]) throw new Error(`esbuild wrote no ${file}`);
  const scripts = Object.keys(metafile.outputs).filter((output) => output.endsWith('.mjs'));
  const bytesOf = (outputs: readonly string[]) =>
    outputs.reduce((sum, output) => sum + (metafile.outputs[output]?.bytes ?? 0), 0);
  const inputsOf = (outputs: readonly string[]) =>
    [...new Set(outputs.flatMap((output) => Object.keys(metafile.outputs[output]?.inputs ?? {})))].sort();
  const imported = staticClosure(metafile, entry);
  const inputs = inputsOf(scripts);
  return {
    name,
    file,
    files: scripts.map((output) => path.relative(outdir, path.join(ROOT, output))).sort(),
    bytes: bytesOf(scripts),
    importedBytes: bytesOf(imported),
    packages: packagesOf(inputs),
    importedPackages: packagesOf(inputsOf(imported)),
    importedInputs: inputsOf(imported),
    inputs,
  };
};

/** A bundle's report and esbuild's metafile (every input's imports, every output's inputs and imports). */
export interface BundleBuild {
  readonly report: BundleReport;
  readonly metafile: Metafile;
}

/** `buildDir` other than `.build` (the bench's) leaves the bundles that packaging uses alone. */
export const bundleFunction = async (name: FunctionName, buildDir = BUILD_DIR): Promise<BundleReport> =>
  (await buildBundle(name, buildDir)).report;

/** `bundleFunction`, keeping the metafile (test/bench/bundle-contents.test.ts reads import chains from it). */
export const buildBundle = async (name: FunctionName, buildDir = BUILD_DIR): Promise<BundleBuild> => {
  const outdir = path.join(buildDir, name);
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [path.join(ROOT, 'functions', `${name}.ts`)],
    outdir,
    entryNames: 'index',
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    splitting: true,
    bundle: true,
    platform: 'node',
    // Lambda runs nodejs22.x; `serverless invoke local` and CI run Node 20, so the bundle targets both.
    target: 'node20',
    format: 'esm',
    // Prefer dependencies' ES module builds: they tree-shake where CommonJS builds cannot.
    mainFields: ['module', 'main'],
    minify: true,
    // Our own classes keep their names (see keepOwnNames); the SDKs' need not.
    keepNames: false,
    treeShaking: true,
    sourcemap: 'linked',
    // Mappings only, kept in .build/ and out of the zips: scripts/map-stack.ts maps a deployed stack trace.
    sourcesContent: false,
    legalComments: 'eof',
    banner: { js: REQUIRE_BANNER },
    plugins: [nodeUrlForWhatwgUrl, unreachableSdkHelpers, keepOwnNames],
    metafile: true,
    logLevel: 'warning',
  });
  await writeFile(path.join(outdir, 'index.cjs'), INVOKE_LOCAL_LOADER);
  const report = reportOf(name, result.metafile, buildDir);
  await writeFile(path.join(outdir, 'meta.json'), `${JSON.stringify(report, null, 2)}\n`);
  return { report, metafile: result.metafile };
};

export const bundleAll = async (
  names: readonly FunctionName[] = FUNCTIONS,
  buildDir = BUILD_DIR,
): Promise<BundleReport[]> => Promise.all(names.map((name) => bundleFunction(name, buildDir)));

/** `bundleAll`, keeping each bundle's metafile. */
export const buildAllBundles = async (
  names: readonly FunctionName[] = FUNCTIONS,
  buildDir = BUILD_DIR,
): Promise<BundleBuild[]> => Promise.all(names.map((name) => buildBundle(name, buildDir)));

const parseNames = (args: readonly string[]): FunctionName[] => {
  const unknown = args.filter((arg) => !(FUNCTIONS as readonly string[]).includes(arg));
  if (unknown.length > 0) throw new Error(`Unknown function(s) ${unknown.join(', ')}; known: ${FUNCTIONS}`);
  return args.length > 0 ? (args as FunctionName[]) : [...FUNCTIONS];
};

const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const reports = await bundleAll(parseNames(process.argv.slice(2)));
  for (const report of reports) {
    console.log(
      `${report.name.padEnd(8)} ${kib(report.bytes).padStart(9)} in ${report.files.length} files, ` +
        `${kib(report.importedBytes).padStart(8)} loaded with the handler  ${path.relative(ROOT, report.file)}` +
        `  (${report.packages.length} packages)`,
    );
  }
  console.log(`bundled ${reports.length} function(s) in ${Date.now() - started} ms`);
}
