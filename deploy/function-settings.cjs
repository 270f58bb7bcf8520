'use strict';
// Each function's own environment and the SSM parameters it may read, generated from one list
// (FUNCTIONS below), for serverless.yml:
//   environment: ${file(./deploy/function-settings.cjs):environment.ingest}
//   Resource:    ${file(./deploy/function-settings.cjs):secretArns.ingest}     (deploy/resources/roles.yml)
// In AWS (wiring `aws`) a function gets `<VARIABLE>_PARAMETER` = the SSM name of each of its secrets, read
// once per cold start (shared/config/secrets.ts), and its role may read exactly those parameters. The local
// stages get no parameter names: the functions then read TENCENTCLOUD_SECRET_ID … from the environment.
// (CommonJS: osls loads resolvers with require.)

/**
 * Per function: `secrets` (variable → name under the stage's secretsPath) and `settings` (variable → the
 * stage parameter it takes its value from; a `value` is a literal).
 */
const FUNCTIONS = {
  ingest: {
    secrets: {
      REPLICA_FLOW_API_KEYS: 'api-keys',
      SLACK_SIGNING_SECRET: 'slack/signing-secret',
      JIRA_WEBHOOK_SECRET: 'jira/webhook-secret',
      ALERTMANAGER_TOKEN: 'alertmanager/token',
      TENCENT_MONITOR_BASIC_PASSWORD: 'tencent-monitor/basic-password',
      TENCENT_MONITOR_PATH_TOKEN: 'tencent-monitor/path-token',
      CLOUDWATCH_API_KEY: 'cloudwatch/api-key',
      GRAFANA_HMAC_SECRET: 'grafana/hmac-secret',
      GRAFANA_TOKEN: 'grafana/token',
      // A read-only CAM key for the fleet view (postgres:DescribeDBInstances, DescribeReadOnlyGroups);
      // optional: without it the view answers from the records alone.
      TENCENTCLOUD_READER_SECRET_ID: 'tencent/reader/secret-id',
      TENCENTCLOUD_READER_SECRET_KEY: 'tencent/reader/secret-key',
    },
    settings: {
      ALERT_CALLBACK_URL: 'alertCallbackUrl',
      TENCENT_MONITOR_BASIC_USER: 'tencentMonitorBasicUser',
      JIRA_PROJECTS: 'jiraProjects',
      JIRA_ISSUE_TYPES: 'jiraIssueTypes',
      JIRA_TRIGGER_STATUS: 'jiraTriggerStatus',
      JIRA_FIELD_MAP: 'jiraFieldMap',
    },
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
    // The webhook signing secret; completions are also posted to the Slack channel or Jira issue a
    // request came from.
    secrets: {
      WEBHOOK_SIGNING_SECRET: 'webhook/signing-secret',
      SLACK_BOT_TOKEN: 'slack/bot-token',
      SLACK_WEBHOOK_URL: 'slack/webhook-url',
      JIRA_API_TOKEN: 'jira/api-token',
    },
    settings: { JIRA_BASE_URL: 'jiraBaseUrl', JIRA_EMAIL: 'jiraEmail' },
  },
};

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
  for (const [name, { secrets, settings }] of Object.entries(FUNCTIONS)) {
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
  return { environment, secretArns };
};

module.exports = async ({ resolveVariable }) => settingsOf(resolveVariable);
module.exports.FUNCTIONS = FUNCTIONS;
