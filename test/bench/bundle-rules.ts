import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Metafile } from 'esbuild';
import type { BundleReport, FunctionName } from '../../scripts/bundle.ts';
import { ROOT } from '../../scripts/bundle.ts';

/**
 * The bundle rules of docs/bundling.md as data: per function, which modules must never be in its
 * bundle, which must be in it but never load with the handler (the entry chunk and the chunks it
 * imports statically), and which must load with it. `bundleRuleViolations` checks a bundle against
 * them and names, for each broken one, the function, the rule and the module's import chain.
 */

/** A module as a rule names it: a package, a path inside one, or files of this repository. */
export interface ModuleRef {
  readonly label: string;
  /** Whether an esbuild input path (relative to the repository, or `../…/node_modules/…`) is this module's. */
  readonly matches: (input: string) => boolean;
  /** A path (relative to the repository) that exists while the module does: a rule never names nothing. */
  readonly exists: string;
}

/** `…/node_modules/<rest>` → `node_modules/<rest>`; a repository file stays as it is. */
export const shortInput = (input: string): string => {
  const at = input.indexOf('node_modules/');
  return at < 0 ? input : input.slice(at);
};

/** A package (`yaml`, `@aws-sdk/client-ssm`) or a folder inside one (`zod/v4/classic/`), but for `except`. */
export const inPackage = (name: string, except: readonly string[] = []): ModuleRef => {
  const prefix = `node_modules/${name.endsWith('/') ? name : `${name}/`}`;
  return {
    label: except.length > 0 ? `${name} (but ${except.join(', ')})` : name,
    matches: (input) => {
      const at = input.lastIndexOf(prefix);
      if (at < 0 || (at > 0 && input[at - 1] !== '/')) return false;
      const rest = input.slice(at + prefix.length);
      return !except.some((kept) => rest.startsWith(kept));
    },
    exists: prefix,
  };
};

/**
 * A source's descriptor, which loads with every handler: its name and kind (`source.ts`), its
 * deployment data (`source.deploy.json`), its environment variables (`<source>-environment.ts`) and
 * the settings built from them (`<source>-settings.ts`), all read at the cold start. Its routes,
 * schemas, signature checks and replies stay behind `import()`.
 */
const sourceDescriptor = (name: string): string[] => [
  'source.ts',
  'source.deploy.json',
  `${name}-environment.ts`,
  `${name}-settings.ts`,
];

/**
 * Every source's route module (`shared/ingress/slack/slack-route.ts`), read off the `import()`s of
 * the route list, shared/ingress/source-routes.ts: a new source's rules need no line here.
 */
export const SOURCE_ROUTE_MODULES: readonly string[] = [
  ...new Set(
    [
      ...readFileSync(path.join(ROOT, 'shared/ingress/source-routes.ts'), 'utf8').matchAll(
        /import\('#(shared\/ingress\/[\w/-]+\.ts)'\)/g,
      ),
    ].map(([, file = '']) => file),
  ),
];
const sourceFolders = [...new Set(SOURCE_ROUTE_MODULES.map((file) => `${path.posix.dirname(file)}/`))];

/** One of our files (`shared/domain/policy-loader.ts`) or every file under a folder (`shared/ingress/slack/`). */
export const inRepo = (file: string, except: readonly string[] = []): ModuleRef => ({
  label: except.length > 0 ? `${file} (but ${except.join(', ')})` : file,
  matches: (input) =>
    (file.endsWith('/') ? input.startsWith(file) : input === file) &&
    !except.some((kept) => input === path.posix.join(file, kept)),
  exists: file,
});

/**
 * - `absent`: never in the function's bundle;
 * - `deferred`: in the bundle (so the rule names something real), never loaded with the handler;
 * - `not-loaded`: never loaded with the handler, whether in the bundle or not;
 * - `loaded`: loaded with the handler.
 */
export type Placement = 'absent' | 'deferred' | 'not-loaded' | 'loaded';

export interface BundleRule {
  /** What the rule says, as a test name reads. */
  readonly rule: string;
  /** Its section of docs/bundling.md. */
  readonly anchor: string;
  readonly modules: readonly ModuleRef[];
  readonly placement: Readonly<Partial<Record<FunctionName, Placement>>>;
}

const ALL = (placement: Placement): Record<FunctionName, Placement> => ({
  ingest: placement,
  validate: placement,
  create: placement,
  poll: placement,
  notify: placement,
});

export const BUNDLE_RULES: readonly BundleRule[] = [
  {
    rule: 'the DynamoDB and SQS clients every invocation uses load with the handler, in the init phase',
    anchor: 'the-aws-sdk-loads-with-the-handler',
    modules: [inPackage('@aws-sdk/client-dynamodb'), inPackage('@aws-sdk/client-sqs')],
    placement: ALL('loaded'),
  },
  {
    rule: "the Tencent SDK only where Tencent is called, loaded when its client is built (ingest's at its first call)",
    anchor: 'adapters-behind-their-builders',
    modules: [
      inPackage('tencentcloud-sdk-nodejs'),
      inRepo('shared/adapters/tencent/tencent-postgres-client.ts'),
    ],
    placement: {
      ingest: 'deferred',
      validate: 'deferred',
      create: 'deferred',
      poll: 'deferred',
      notify: 'absent',
    },
  },
  {
    rule: 'the webhook sender only in notify, loaded when it is built',
    anchor: 'adapters-behind-their-builders',
    modules: [inPackage('standardwebhooks'), inRepo('shared/adapters/webhook/')],
    placement: { ingest: 'absent', validate: 'absent', create: 'absent', poll: 'absent', notify: 'deferred' },
  },
  {
    rule: 'the policy loader, its schema and the YAML parser only where a policy is read, loaded when it is read',
    anchor: 'adapters-behind-their-builders',
    modules: [
      inPackage('yaml'),
      inRepo('shared/domain/policy-loader.ts'),
      inRepo('shared/domain/policy-schema.ts'),
    ],
    // poll reads it for scale-in and the minimum (issue #14).
    placement: {
      ingest: 'deferred',
      validate: 'deferred',
      create: 'absent',
      poll: 'deferred',
      notify: 'absent',
    },
  },
  {
    rule: 'the SSM client loads only when a secret parameter is first read',
    anchor: 'the-ssm-client-when-a-parameter-is-read',
    modules: [inPackage('@aws-sdk/client-ssm')],
    placement: ALL('deferred'),
  },
  {
    rule: 'the tracer and the X-Ray SDK never load with the handler (only in Lambda, when dependencies are built)',
    anchor: 'the-tracer-only-in-lambda',
    modules: [
      inPackage('@aws-lambda-powertools/tracer'),
      inPackage('aws-xray-sdk-core'),
      inRepo('shared/adapters/tracing/powertools-tracing.ts'),
    ],
    placement: ALL('deferred'),
  },
  {
    rule: "the AWS SDK's credential providers other than the environment's load only if asked",
    anchor: 'split-at-every-import',
    modules: [
      inPackage('@aws-sdk/credential-provider-ini'),
      inPackage('@aws-sdk/credential-provider-sso'),
      inPackage('@aws-sdk/credential-provider-process'),
      inPackage('@aws-sdk/credential-provider-web-identity'),
      inPackage('@aws-sdk/credential-provider-http'),
      inPackage('@aws-sdk/nested-clients'),
      inPackage('@aws-sdk/token-providers'),
      inPackage('@smithy/credential-provider-imds'),
    ],
    placement: ALL('deferred'),
  },
  {
    rule: "each ingest source (Slack, Jira, every alert source) loads at its route's first request",
    anchor: 'ingest-sources-load-at-their-first-request',
    modules: [
      ...sourceFolders.map((folder) => inRepo(folder, sourceDescriptor(path.posix.basename(folder)))),
    ],
    placement: { ingest: 'deferred' },
  },
  {
    rule: "validate's CloudWatch-envelope reader loads at the first envelope",
    anchor: 'ingest-sources-load-at-their-first-request',
    modules: [inRepo('shared/ingress/alerts/cloudwatch/', sourceDescriptor('cloudwatch'))],
    placement: { validate: 'deferred' },
  },
  {
    rule: "the API request schema loads with ingest only (validate's CloudWatch intake, poll's scale-in and minimum load it later)",
    anchor: 'one-schema-module-per-use',
    modules: [inRepo('shared/domain/replica-request.ts')],
    placement: {
      ingest: 'loaded',
      validate: 'not-loaded',
      create: 'absent',
      poll: 'not-loaded',
      notify: 'absent',
    },
  },
  {
    rule: 'the plan schema loads with validate only',
    anchor: 'one-schema-module-per-use',
    modules: [inRepo('shared/domain/replica-plan.ts')],
    placement: {
      ingest: 'not-loaded',
      validate: 'loaded',
      create: 'absent',
      poll: 'not-loaded',
      notify: 'absent',
    },
  },
  {
    rule: 'the stored-request schema (chat, ticket and alert sources) never loads with a handler',
    anchor: 'one-schema-module-per-use',
    modules: [inRepo('shared/domain/stored-request.ts')],
    placement: ALL('not-loaded'),
  },
  {
    rule: 'zod/mini only, never the full zod build',
    anchor: 'zod-mini-only',
    modules: [inPackage('zod/v4/classic/')],
    placement: ALL('absent'),
  },
  {
    rule: 'zod/mini loads with the handler (every schema is written with it)',
    anchor: 'zod-mini-only',
    modules: [inPackage('zod/v4/mini/')],
    placement: ALL('loaded'),
  },
  {
    rule: "no zod namespace object: none of zod's 40 locales but English",
    anchor: 'zod-mini-only',
    modules: [inPackage('zod/v4/locales/', ['en.js', 'index.js'])],
    placement: ALL('absent'),
  },
  {
    rule: "only the PostgreSQL client of the Tencent SDK's services",
    anchor: 'only-the-postgresql-client-of-the-tencent-sdk',
    modules: [inPackage('tencentcloud-sdk-nodejs/tencentcloud/services/', ['postgres/'])],
    placement: ALL('absent'),
  },
  {
    rule: "what can never run is left out: the Tencent SDK's multipart, proxy and URL helpers",
    anchor: 'unreachable-sdk-helpers-stubbed',
    modules: [
      'form-data',
      'mime-types',
      'mime-db',
      'https-proxy-agent',
      'agent-base',
      'whatwg-url',
      'tr46',
    ].map((name) => inPackage(name)),
    placement: ALL('absent'),
  },
];

const PLACEMENT_TEXT: Record<Placement, string> = {
  absent: 'must not be in the bundle',
  deferred: 'must be in the bundle but not load with the handler',
  'not-loaded': 'must not load with the handler',
  loaded: 'must load with the handler',
};

/**
 * The shortest import chain in esbuild's input graph from the function's entry to an input of
 * `module`: through static imports only (`staticOnly`), else through any, each `import()` marked;
 * only through inputs in `within` (what the bundle or its loaded share holds: the graph also has
 * files esbuild parsed and then tree-shook away).
 */
export const importChain = (
  metafile: Metafile,
  entry: string,
  module: ModuleRef,
  staticOnly: boolean,
  within: ReadonlySet<string>,
): string | undefined => {
  const previous = new Map<string, { from: string; dynamic: boolean } | null>([[entry, null]]);
  const queue = [entry];
  while (queue.length > 0) {
    const input = queue.shift() as string;
    if (module.matches(input)) {
      const steps: string[] = [];
      for (let at: string | undefined = input; at !== undefined; ) {
        const step = previous.get(at);
        steps.unshift(`${step?.dynamic ? 'import() ' : ''}${shortInput(at)}`);
        at = step?.from;
      }
      return steps.join(' → ');
    }
    for (const imported of metafile.inputs[input]?.imports ?? []) {
      if (imported.external || previous.has(imported.path) || !within.has(imported.path)) continue;
      const dynamic = imported.kind === 'dynamic-import';
      if (staticOnly && dynamic) continue;
      previous.set(imported.path, { from: input, dynamic });
      queue.push(imported.path);
    }
  }
  return undefined;
};

/** Every broken rule of `name`'s bundle, each naming the function, the rule, the module and how it got there. */
export const bundleRuleViolations = (
  name: FunctionName,
  report: BundleReport,
  metafile: Metafile,
  rules: readonly BundleRule[] = BUNDLE_RULES,
): string[] => {
  const entry = `functions/${name}.ts`;
  const loaded = report.importedInputs;
  const loadedSet = new Set(loaded);
  const bundled = new Set(report.inputs);
  const violations: string[] = [];
  for (const { rule, anchor, modules, placement } of rules) {
    const wanted = placement[name];
    if (!wanted) continue;
    for (const module of modules) {
      const says = `${name}: ${module.label} ${PLACEMENT_TEXT[wanted]} — "${rule}" (docs/bundling.md#${anchor})`;
      if (!existsSync(path.join(ROOT, module.exists))) {
        violations.push(`${says}: the rule names ${module.exists}, which does not exist (renamed?)`);
        continue;
      }
      const isLoaded = loaded.some(module.matches);
      const isBundled = report.inputs.some(module.matches);
      if (wanted === 'loaded' && !isLoaded) {
        const chain = importChain(metafile, entry, module, false, bundled);
        violations.push(`${says}: ${chain ? `only reached through ${chain}` : 'it is not in the bundle'}`);
      } else if ((wanted === 'not-loaded' || wanted === 'deferred') && isLoaded) {
        const chain = importChain(metafile, entry, module, true, loadedSet);
        violations.push(
          `${says}: loaded with the handler through ${chain ?? '(no static chain in the inputs)'}`,
        );
      } else if (wanted === 'absent' && isBundled) {
        const chain = importChain(metafile, entry, module, false, bundled);
        violations.push(`${says}: bundled through ${chain ?? '(no chain in the inputs)'}`);
      } else if (wanted === 'deferred' && !isBundled) {
        violations.push(`${says}: it is not in the bundle at all (the rule names nothing: update it)`);
      }
    }
  }
  return violations;
};
