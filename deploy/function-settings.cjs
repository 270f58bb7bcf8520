'use strict';
const fs = require('node:fs');
const path = require('node:path');
// Each function's own environment and the SSM parameters it may read, generated from one list
// (CORE_FUNCTIONS below, plus each trigger source's shared/ingress/<source>/source.deploy.json), for serverless.yml:
//   environment: ${file(./deploy/function-settings.cjs):environment.ingest}
//   Resource:    ${file(./deploy/function-settings.cjs):secretArns.ingest}     (deploy/resources/roles.yml)
//   events:      ${file(./deploy/function-settings.cjs):ingestEvents}          (deploy/functions.yml)
// In AWS (wiring `aws`) a function gets `<VARIABLE>_PARAMETER` = the SSM name of each of its secrets, read
// once per cold start (shared/config/secrets.ts), and its role may read exactly those parameters. The local
// stages get no parameter names: the functions then read TENCENTCLOUD_SECRET_ID … from the environment.
// (CommonJS: osls loads resolvers with require.)

/**
 * Per function: `secrets` (variable → name under the stage's secretsPath) and `settings` (variable → the
 * stage parameter it takes its value from; a `value` is a literal).
 */
const CORE_FUNCTIONS = {
  ingest: {
    secrets: {
      // A read-only CAM key for the fleet view (postgres:DescribeDBInstances, DescribeReadOnlyGroups);
      // optional: without it the view answers from the records alone.
      TENCENTCLOUD_READER_SECRET_ID: 'tencent/reader/secret-id',
      TENCENTCLOUD_READER_SECRET_KEY: 'tencent/reader/secret-key',
    },
    // Shared by every alert source (shared/ingress/alerts/alert-environment.ts).
    settings: { ALERT_CALLBACK_URL: 'alertCallbackUrl' },
  },
  validate: {
    secrets: { TENCENTCLOUD_SECRET_ID: 'tencent/secret-id', TENCENTCLOUD_SECRET_KEY: 'tencent/secret-key' },
    // CloudWatch alarms arrive here straight from EventBridge and are recorded by validate.
    settings: { ALERT_CALLBACK_URL: 'alertCallbackUrl' },
  },
  create: {
    secrets: { TENCENTCLOUD_SECRET_ID: 'tencent/secret-id', TENCENTCLOUD_SECRET_KEY: 'tencent/secret-key' },
    settings: {},
  },
  poll: {
    secrets: { TENCENTCLOUD_SECRET_ID: 'tencent/secret-id', TENCENTCLOUD_SECRET_KEY: 'tencent/secret-key' },
    settings: {},
  },
  notify: {
    // The webhook signing secret; the sources add where completions are also posted (Slack, Jira).
    secrets: { WEBHOOK_SIGNING_SECRET: 'webhook/signing-secret' },
    settings: {},
  },
};

/**
 * Every trigger source's deployment data (`shared/ingress/<source>/source.deploy.json`, found here by
 * name; `shared/ingress/sources.ts` registers the same files, and a test checks the two agree), in a
 * fixed order.
 */
const sourceDeployments = () => {
  const root = path.join(__dirname, '..', 'shared', 'ingress');
  const found = [];
  const walk = (dir) => {
    for (const entry of fs
      .readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === 'source.deploy.json') found.push(JSON.parse(fs.readFileSync(full, 'utf8')));
    }
  };
  walk(root);
  return found;
};

/** The core functions' secrets and settings, with every source's added to the functions it names. */
const functionsWithSources = () => {
  const functions = Object.fromEntries(
    Object.entries(CORE_FUNCTIONS).map(([name, { secrets, settings }]) => [
      name,
      { secrets: { ...secrets }, settings: { ...settings } },
    ]),
  );
  for (const source of sourceDeployments()) {
    for (const [name, { secrets = {}, settings = {} }] of Object.entries(source.functions)) {
      if (!functions[name]) throw new Error(`source ${source.id} names an unknown function ${name}`);
      Object.assign(functions[name].secrets, secrets);
      Object.assign(functions[name].settings, settings);
    }
  }
  return functions;
};

/** Ingest's HTTP API events: every route of every source. */
const ingestEvents = () =>
  sourceDeployments().flatMap((source) =>
    source.routes.map(({ method, path: routePath }) => ({ httpApi: { method, path: routePath } })),
  );

/** Tencent allows 100 creates a second per account; the create containers together stay at 90. */
const TENCENT_CREATES_PER_SECOND = 90;
/** Tencent allows 20 price inquiries a second per account; validate's containers together stay at 18. */
const TENCENT_PRICES_PER_SECOND = 18;

const settingsOf = async (resolveVariable) => {
  const [wiring, secretsPath] = await Promise.all([
    resolveVariable('param:wiring'),
    resolveVariable('param:secretsPath'),
  ]);
  const { functions: shape, queues } = require('./shape.cjs').deploymentShape();
  const environment = {};
  const secretArns = {};
  for (const [name, { secrets, settings }] of Object.entries(functionsWithSources())) {
    const variables = {};
    for (const [variable, parameter] of Object.entries(settings)) {
      variables[variable] = String(await resolveVariable(`param:${parameter}`));
    }
    if (name === 'create') {
      // Per container, so that reservedConcurrency containers together stay under Tencent's limit.
      variables.TENCENT_CREATE_RATE_PER_SECOND = String(
        Math.floor(TENCENT_CREATES_PER_SECOND / shape.create.reservedConcurrency),
      );
    }
    if (name === 'validate') {
      // validate prices every plan; its queue runs at most maximumConcurrency containers at once.
      variables.TENCENT_PRICE_RATE_PER_SECOND = String(
        TENCENT_PRICES_PER_SECOND / queues.requests.maximumConcurrency,
      );
    }
    if (wiring === 'aws') {
      for (const [variable, parameter] of Object.entries(secrets)) {
        variables[`${variable}_PARAMETER`] = `${secretsPath}/${parameter}`;
      }
    }
    environment[name] = variables;
    secretArns[name] = Object.values(secrets).map((parameter) => ({
      'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${secretsPath}/${parameter}`,
    }));
  }
  return { environment, secretArns, ingestEvents: ingestEvents() };
};

module.exports = async ({ resolveVariable }) => settingsOf(resolveVariable);
module.exports.functionsWithSources = functionsWithSources;
module.exports.sourceDeployments = sourceDeployments;
