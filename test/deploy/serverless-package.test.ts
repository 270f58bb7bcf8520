import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type RunningSqsServer, startSqsServer } from '@replica-flow/sqs-server/sqs-server.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaIngestDependencies } from '#functions/ingest.deps.ts';
import { deploymentShape } from '#local/stack/deployment-shape.ts';
import { ensureLocalQueues } from '#local/stack/local-queues.ts';
import { deployedConsumerShape, deployedTimeoutMs, LOCAL_SETTINGS } from '#local/stack/local-stack.ts';
import { createTableInput, TABLE } from '#shared/adapters/store/table-definition.ts';
import { DEFAULT_NOTIFY_MAX_RECEIVE_COUNT } from '#shared/config/reliability-environment.ts';
import { readRuntimeEnvironment } from '#shared/config/runtime-config.ts';
import { loadSecrets, parameterVariableOf, SECRET_VARIABLES } from '#shared/config/secrets.ts';
import { ingressRoutes } from '#shared/ingress/routes.ts';
import {
  allPolicyStatements,
  asList,
  grantsOf,
  propertiesOf,
  readTemplate,
  referenceOf,
  resourcesOfType,
  roleStatements,
  type Statement,
  type Template,
  zipEntryNames,
} from '#test/deploy/cloudformation-template.ts';
import { BUILD_DIR, type BundleReport, FUNCTIONS, type FunctionName, ROOT } from '../../scripts/bundle.ts';
import { type PackageResult, packageService } from '../../scripts/package.ts';

/** Every script of a packaged function's bundle (its entry and chunks), as `meta.json` lists them. */
const bundleScriptsOf = (name: FunctionName): string[] => {
  const report = JSON.parse(readFileSync(path.join(BUILD_DIR, name, 'meta.json'), 'utf8')) as BundleReport;
  return report.files.map((file) => path.join(BUILD_DIR, name, file));
};

// prod: the stage with the most at stake (termination protection, required alarm destination). It has no
// policy/prod.yaml in the repository, so the test names one, as a deploy of a new stage must.
const STAGE = 'prod';
const ALARM_EMAIL = 'oncall@example.com';
const POLICY_FILE = 'policy/example.yaml';
const KMS_KEY = 'arn:aws:kms:ap-southeast-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
// Not .serverless/: a package made by the tests must never be what `deploy --package .serverless` ships.
const PACKAGE_DIR = path.join(BUILD_DIR, 'test-package');
// CloudFormation `Fn::Sub` text: the `${…}` are CloudFormation's.
// biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax
const INFLIGHT_INDEX = 'Sub:${RequestsTable.Arn}/index/inflight';
// biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax
const SPEND_INDEX = 'Sub:${RequestsTable.Arn}/index/spend';
// biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax
const SSM_IN_THIS_REGION = 'ssm.${AWS::Region}.amazonaws.com';

/** A recognisable fake value for every secret variable, in the environment of the packaging process only. */
const PLANTED: Record<string, string> = Object.fromEntries(
  SECRET_VARIABLES.map((variable) => [variable, `planted-${variable.toLowerCase()}-MUST-NOT-SHIP-7f3a9c`]),
);

const XRAY_ACTIONS = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'];

const LOGICAL: Record<FunctionName, string> = {
  ingest: 'Ingest',
  validate: 'Validate',
  create: 'Create',
  poll: 'Poll',
  notify: 'Notify',
};

let result: PackageResult;
let template: Template;

beforeAll(async () => {
  result = await packageService(
    [
      ...['--stage', STAGE, '--package', PACKAGE_DIR],
      `--param=policyFile=${POLICY_FILE}`,
      `--param=alarmEmail=${ALARM_EMAIL}`,
      // The optional customer-managed key on, so that its statements are checked too.
      `--param=secretsKmsKeyArn=${KMS_KEY}`,
    ],
    {
      env: { ...process.env, ...PLANTED },
    },
  );
  if (result.code !== 0) throw new Error(`serverless package failed:\n${result.output}`);
  template = readTemplate(path.join(PACKAGE_DIR, 'cloudformation-template-update-stack.json'));
}, 120_000);

const functionOf = (name: FunctionName) => propertiesOf(template, `${LOGICAL[name]}LambdaFunction`);
const roleOf = (name: FunctionName) => referenceOf(functionOf(name).Role).replace(/\.Arn$/, '');
const grantsOfFunction = (name: FunctionName) => grantsOf(roleStatements(template, roleOf(name)));
const granteesOf = (grant: string) => FUNCTIONS.filter((name) => grantsOfFunction(name).includes(grant));

const alarmsOf = () =>
  resourcesOfType(template, 'AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties ?? {});
/** The alarm `replica-flow-<stage>-<name>`. */
const alarmNamed = (name: string) => {
  const alarm = alarmsOf().find((candidate) => candidate.AlarmName === `replica-flow-${STAGE}-${name}`);
  if (!alarm) throw new Error(`no alarm ${name}`);
  return alarm;
};

/** The event source mappings: queue logical id → function name, with their properties. */
const mappings = () =>
  resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').map(([, mapping]) => {
    const properties = mapping.Properties ?? {};
    const queue = referenceOf(properties.EventSourceArn).replace(/\.Arn$/, '');
    const target = referenceOf(properties.FunctionName).replace(/LambdaFunction(\.Arn)?$/, '');
    const name = FUNCTIONS.find((candidate) => LOGICAL[candidate] === target);
    return { queue, name, properties };
  });

describe('serverless package', () => {
  it('packages every function offline, with no AWS credentials and no network', () => {
    expect(result.code).toBe(0);
    expect(result.output).toContain(`Packaging replica-flow for stage ${STAGE}`);
    for (const name of FUNCTIONS)
      expect(statSync(path.join(PACKAGE_DIR, `${name}.zip`)).size).toBeGreaterThan(0);
  });
});

describe('functions and their triggers', () => {
  it.each(FUNCTIONS)('deploys %s on nodejs22.x arm64 from its own bundle, with its own role', (name) => {
    const fn = functionOf(name);
    expect(fn).toMatchObject({
      FunctionName: `replica-flow-${STAGE}-${name}`,
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: `.build/${name}/index.handler`,
    });
    expect(roleOf(name)).toBe(`${LOGICAL[name]}Role`);
  });

  it('routes every ingress route of routes.ts and every chat, alert and ticket source to ingest', async () => {
    const routeKeys = resourcesOfType(template, 'AWS::ApiGatewayV2::Route')
      .map(([, route]) => route.Properties?.RouteKey as string)
      .sort();
    const env = readRuntimeEnvironment({
      REQUESTS_QUEUE_URL: 'http://127.0.0.1:9324/000000000000/replica-flow-requests',
      CREATE_QUEUE_URL: 'http://127.0.0.1:9324/000000000000/replica-flow-create',
      NOTIFY_QUEUE_URL: 'http://127.0.0.1:9324/000000000000/replica-flow-notify',
    });
    const secrets = await loadSecrets({ REPLICA_FLOW_API_KEYS: 'platform:route-listing-key-0123456789' });
    const deps = await lambdaIngestDependencies(env, secrets);
    const inCode = ingressRoutes(deps).map((route) => `${route.method} ${route.path}`);

    expect(routeKeys).toEqual(expect.arrayContaining(inCode));
    expect(routeKeys).toEqual(
      [
        'POST /v1/replica-requests',
        'GET /v1/replica-requests/{id}',
        'GET /v1/primaries/{id}/replicas',
        'GET /v1/fleet',
        'POST /v1/replica-removals',
        'GET /v1/replica-removals/{id}',
        'POST /v1/replica-requests/{id}/approval',
        'POST /v1/chatops/slack',
        'POST /v1/chatops/slack/interactions',
        'POST /v1/alerts/alertmanager',
        'POST /v1/alerts/tencent-monitor',
        'POST /v1/alerts/tencent-monitor/{token}',
        'POST /v1/alerts/cloudwatch',
        'POST /v1/alerts/grafana',
        'POST /v1/tickets/jira',
      ].sort(),
    );
    const [[, integration] = []] = resourcesOfType(template, 'AWS::ApiGatewayV2::Integration');
    expect(referenceOf(integration?.Properties?.IntegrationUri)).toBe('IngestLambdaFunction.Arn');
  });

  it('feeds validate, create and notify from their queues, reporting partial batch failures', () => {
    expect(
      mappings()
        .map(({ queue, name, properties }) => ({ queue, name, types: properties.FunctionResponseTypes }))
        .sort((a, b) => a.queue.localeCompare(b.queue)),
    ).toEqual([
      { queue: 'CreateQueue', name: 'create', types: ['ReportBatchItemFailures'] },
      { queue: 'NotifyQueue', name: 'notify', types: ['ReportBatchItemFailures'] },
      { queue: 'RequestsQueue', name: 'validate', types: ['ReportBatchItemFailures'] },
    ]);
  });

  it('runs poll every minute, without retries of a failed cycle', () => {
    const schedules = resourcesOfType(template, 'AWS::Events::Rule').filter(
      ([, rule]) => rule.Properties?.ScheduleExpression !== undefined,
    );
    expect(schedules).toHaveLength(1);
    const [[, rule] = []] = schedules;
    expect(rule?.Properties?.ScheduleExpression).toBe('rate(1 minute)');
    expect(
      asList(rule?.Properties?.Targets as { Arn: unknown }[]).map((target) => referenceOf(target.Arn)),
    ).toEqual(['PollLambdaFunction.Arn']);
    const [[, invokeConfig] = []] = resourcesOfType(template, 'AWS::Lambda::EventInvokeConfig');
    expect(invokeConfig?.Properties?.MaximumRetryAttempts).toBe(0);
  });

  it('reserves concurrency for create only, and caps its queue poller at that number', () => {
    const reserved = FUNCTIONS.filter((name) => functionOf(name).ReservedConcurrentExecutions !== undefined);
    expect(reserved).toEqual(['create']);
    const concurrency = functionOf('create').ReservedConcurrentExecutions as number;
    const createMapping = mappings().find(({ name }) => name === 'create');
    // At most one CreateReadOnlyDBInstance per invocation, so in-flight creates ≤ reserved concurrency.
    expect(createMapping?.properties.BatchSize).toBe(1);
    expect(createMapping?.properties.ScalingConfig).toEqual({ MaximumConcurrency: concurrency });
    expect(concurrency).toBeLessThanOrEqual(5);
  });

  it('keeps the logs of every function for the stage retention, and alarms on its errors', () => {
    const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm').map(
      ([, alarm]) => alarm.Properties ?? {},
    );
    for (const name of FUNCTIONS) {
      expect(propertiesOf(template, `${LOGICAL[name]}LogGroup`).RetentionInDays).toBe(90);
      const errors = alarms.find(
        (alarm) =>
          alarm.MetricName === 'Errors' &&
          referenceOf(asList(alarm.Dimensions as { Value: unknown }[])[0]?.Value) ===
            `Ref:${LOGICAL[name]}LambdaFunction`,
      );
      expect(errors, `errors alarm of ${name}`).toMatchObject({
        Namespace: 'AWS/Lambda',
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
      });
      expect(asList(errors?.AlarmActions)).toHaveLength(1);
    }
  });
});

describe('queues', () => {
  it('gives every work queue a dead-letter queue and a visibility timeout of at least 6 × its consumer timeout', () => {
    const consumers = mappings();
    const queues = resourcesOfType(template, 'AWS::SQS::Queue').map(([id]) => id);
    const deadLetterQueues = queues.filter((id) => id.endsWith('DeadLetterQueue'));
    const workQueues = queues.filter((id) => !deadLetterQueues.includes(id));

    expect(workQueues.sort()).toEqual(['CreateQueue', 'NotifyQueue', 'RequestsQueue']);
    for (const queue of workQueues) {
      const properties = propertiesOf(template, queue);
      const redrive = properties.RedrivePolicy as { deadLetterTargetArn: unknown; maxReceiveCount: number };
      expect(referenceOf(redrive.deadLetterTargetArn)).toBe(
        `${queue.replace(/Queue$/, '')}DeadLetterQueue.Arn`,
      );
      expect(redrive.maxReceiveCount).toBeGreaterThanOrEqual(5);

      const consumer = consumers.find((mapping) => mapping.queue === queue)?.name;
      expect(consumer, `consumer of ${queue}`).toBeDefined();
      const timeout = functionOf(consumer as FunctionName).Timeout as number;
      expect(properties.VisibilityTimeout as number).toBeGreaterThanOrEqual(6 * timeout);
    }
    for (const queue of deadLetterQueues) {
      expect(propertiesOf(template, queue).MessageRetentionPeriod).toBe(1_209_600);
    }
  });

  it('alarms as soon as any dead-letter queue holds a message', () => {
    const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm').map(
      ([, alarm]) => alarm.Properties ?? {},
    );
    for (const queue of ['RequestsDeadLetterQueue', 'CreateDeadLetterQueue', 'NotifyDeadLetterQueue']) {
      const alarm = alarms.find(
        (candidate) =>
          referenceOf(asList(candidate.Dimensions as { Value: unknown }[])[0]?.Value) ===
          `${queue}.QueueName`,
      );
      expect(alarm, `alarm on ${queue}`).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
      });
    }
  });
});

describe('the table', () => {
  it('is the table of table-definition.ts: keys, the sparse inflight index, TTL, on-demand', () => {
    const table = propertiesOf(template, 'RequestsTable');
    const expected = createTableInput(`replica-flow-${STAGE}`);
    const byName = (a: { AttributeName?: string }, b: { AttributeName?: string }) =>
      String(a.AttributeName).localeCompare(String(b.AttributeName));

    expect(table.TableName).toBe(expected.TableName);
    expect(table.BillingMode).toBe(expected.BillingMode);
    expect(table.KeySchema).toEqual(expected.KeySchema);
    expect((table.AttributeDefinitions as { AttributeName: string }[]).sort(byName)).toEqual(
      [...(expected.AttributeDefinitions ?? [])].sort(byName),
    );
    expect(table.GlobalSecondaryIndexes).toEqual(expected.GlobalSecondaryIndexes);
    expect(table.TimeToLiveSpecification).toEqual({ AttributeName: TABLE.ttlAttribute, Enabled: true });
  });

  it('survives mistakes: point-in-time recovery, deletion protection, retained on stack removal', () => {
    expect(propertiesOf(template, 'RequestsTable')).toMatchObject({
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
    });
    expect(template.Resources.RequestsTable).toMatchObject({
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });
});

describe('CloudWatch alarms as a request source', () => {
  it('sends alarms entering ALARM to the requests queue, which lets only that rule in', () => {
    const rule = propertiesOf(template, 'CloudWatchAlarmRule');
    expect(rule.EventPattern).toMatchObject({
      source: ['aws.cloudwatch'],
      'detail-type': ['CloudWatch Alarm State Change'],
      detail: { state: { value: ['ALARM'] } },
    });
    expect(asList(rule.Targets as { Arn: unknown }[]).map((target) => referenceOf(target.Arn))).toEqual([
      'RequestsQueue.Arn',
    ]);

    const policy = propertiesOf(template, 'RequestsQueuePolicy');
    expect(asList(policy.Queues).map(referenceOf)).toEqual(['Ref:RequestsQueue']);
    const statements = allPolicyStatements(template).filter(({ owner }) => owner === 'RequestsQueuePolicy');
    expect(statements.map(({ statement }) => statement)).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': ['CloudWatchAlarmRule', 'Arn'] } } },
      }),
    ]);
  });
});

describe('CloudWatch alarms as a request source: never our own', () => {
  it("leaves out every replica-flow alarm, of any stage, so dev's alarms never reach prod's queue", () => {
    const pattern = propertiesOf(template, 'CloudWatchAlarmRule').EventPattern as {
      detail: { alarmName: unknown };
    };
    expect(pattern.detail.alarmName).toEqual([{ 'anything-but': { prefix: 'replica-flow-' } }]);
    const names = alarmsOf().map((alarm) => alarm.AlarmName as string);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(name).toMatch(new RegExp(`^replica-flow-${STAGE}-`));
  });

  it('retries an undeliverable alarm event for an hour, then parks it in an alarmed dead-letter queue', () => {
    const [target] = asList(
      propertiesOf(template, 'CloudWatchAlarmRule').Targets as {
        RetryPolicy: unknown;
        DeadLetterConfig: { Arn: unknown };
      }[],
    );
    expect(target?.RetryPolicy).toEqual({ MaximumRetryAttempts: 20, MaximumEventAgeInSeconds: 3600 });
    expect(referenceOf(target?.DeadLetterConfig.Arn)).toBe('CloudWatchAlarmRuleDeadLetterQueue.Arn');
    const statements = allPolicyStatements(template)
      .filter(({ owner }) => owner === 'CloudWatchAlarmRuleDeadLetterQueuePolicy')
      .map(({ statement }) => statement);
    expect(statements).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': ['CloudWatchAlarmRuleDeadLetterQueue', 'Arn'] },
        Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': ['CloudWatchAlarmRule', 'Arn'] } } },
      }),
    ]);
    expect(alarmNamed('cloudwatch-alarms-dead-letters')).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': ['CloudWatchAlarmRuleDeadLetterQueue', 'QueueName'] } },
      ],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });
});

describe('least privilege', () => {
  const TABLE_ARN = 'RequestsTable.Arn';
  const parameter = (name: string) =>
    `Sub:arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/replica-flow/${STAGE}/${name}`;
  const logs = (name: FunctionName) =>
    ['logs:CreateLogStream', 'logs:PutLogEvents'].map((action) => `${action} ${LOGICAL[name]}LogGroup.Arn`);
  const consume = (queue: string) =>
    ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'].map(
      (action) => `${action} ${queue}.Arn`,
    );
  const item = (...actions: string[]) => actions.map((action) => `dynamodb:${action} ${TABLE_ARN}`);
  const send = (...queues: string[]) => queues.map((queue) => `sqs:SendMessage ${queue}.Arn`);
  const secrets = (...names: string[]) => names.map((name) => `ssm:GetParameters ${parameter(name)}`);
  const decrypt = 'kms:Decrypt Ref:SecretsKmsKeyArn';
  const tencent = secrets('tencent/secret-id', 'tencent/secret-key');
  const traces = XRAY_ACTIONS.map((action) => `${action} *`);

  /** What each function's code does (shared/use-cases, shared/runtime/sqs-batch.ts), and no more. */
  const EXPECTED: Record<FunctionName, string[]> = {
    ingest: [
      ...logs('ingest'),
      ...traces,
      ...item('GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem'),
      `dynamodb:Query ${SPEND_INDEX}`,
      ...send('RequestsQueue', 'CreateQueue', 'NotifyQueue'),
      ...secrets(
        'api-keys',
        'slack/signing-secret',
        'jira/webhook-secret',
        'jira/api-token',
        'alertmanager/token',
      ),
      ...secrets('tencent-monitor/basic-password', 'tencent-monitor/path-token', 'cloudwatch/api-key'),
      ...secrets('grafana/hmac-secret', 'grafana/token'),
      ...secrets('tencent/reader/secret-id', 'tencent/reader/secret-key'),
      decrypt,
    ],
    validate: [
      ...logs('validate'),
      ...traces,
      `dynamodb:Query ${INFLIGHT_INDEX}`,
      `dynamodb:Query ${SPEND_INDEX}`,
      ...item('GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem', 'DeleteItem'),
      ...send('RequestsQueue', 'CreateQueue', 'NotifyQueue', 'RequestsDeadLetterQueue'),
      ...consume('RequestsQueue'),
      ...tencent,
      decrypt,
    ],
    create: [
      ...logs('create'),
      ...traces,
      ...item('GetItem', 'BatchGetItem', 'UpdateItem'),
      ...send('NotifyQueue', 'CreateDeadLetterQueue'),
      ...consume('CreateQueue'),
      ...tencent,
      decrypt,
    ],
    poll: [
      ...logs('poll'),
      ...traces,
      `dynamodb:Query ${INFLIGHT_INDEX}`,
      // Scale-in: the fleet states' one partition (a LeadingKeys condition: FLEET) and the running fleet.
      `dynamodb:Query ${TABLE_ARN}`,
      `dynamodb:Query ${SPEND_INDEX}`,
      ...item('GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem', 'DeleteItem'),
      ...send('RequestsQueue', 'CreateQueue', 'NotifyQueue'),
      ...['RequestsDeadLetterQueue', 'CreateDeadLetterQueue', 'NotifyDeadLetterQueue'].flatMap((queue) =>
        ['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'].map(
          (action) => `${action} ${queue}.Arn`,
        ),
      ),
      ...tencent,
      decrypt,
    ],
    notify: [
      ...logs('notify'),
      ...traces,
      ...item('GetItem', 'BatchGetItem', 'UpdateItem'),
      ...send('NotifyDeadLetterQueue'),
      ...consume('NotifyQueue'),
      ...secrets('webhook/signing-secret', 'slack/bot-token', 'slack/webhook-url', 'jira/api-token'),
      decrypt,
    ],
  };

  it('grants no wildcard action and no wildcard resource anywhere in the template, but the X-Ray trace actions', () => {
    const allows = allPolicyStatements(template).filter(({ statement }) => statement.Effect === 'Allow');
    expect(allows.length).toBeGreaterThan(20);
    // X-Ray's PutTraceSegments and PutTelemetryRecords support no resource-level permissions: "*" is the
    // only resource they can be granted on, and they are the only statement allowed it.
    const isXray = (statement: Statement) =>
      asList(statement.Action).every((action) => XRAY_ACTIONS.includes(action)) && statement.Resource === '*';
    const xray = allows.filter(({ statement }) => isXray(statement));
    expect(xray.map(({ owner }) => owner).sort()).toEqual(
      FUNCTIONS.map((name) => `${LOGICAL[name]}Role`).sort(),
    );
    for (const { owner, statement } of allows.filter((allow) => !xray.includes(allow))) {
      for (const action of asList(statement.Action)) expect(action, owner).not.toMatch(/(^|:)\*$/);
      for (const resource of asList(statement.Resource))
        expect(referenceOf(resource), owner).not.toMatch(/^\*$|:\*$/);
    }
  });

  it.each(FUNCTIONS)('gives %s a role that grants exactly what its code does', (name) => {
    expect(grantsOfFunction(name)).toEqual([...EXPECTED[name]].sort());
  });

  it('lets only ingest, validate (recorded CloudWatch alarms) and poll (stale requests) send to the requests queue, besides the alarm rule', () => {
    expect(granteesOf('sqs:SendMessage RequestsQueue.Arn')).toEqual(['ingest', 'validate', 'poll']);
  });

  it('lets only poll, the scale-out gate and the budgets in validate, and the fleet view in ingest query, and only the inflight and spend indexes and the fleet states’ partition: nobody scans', () => {
    const reads = FUNCTIONS.flatMap((name) =>
      grantsOfFunction(name)
        .filter((grant) => /^dynamodb:(Query|Scan)/.test(grant))
        .map((grant) => `${name} ${grant}`),
    );
    expect(reads).toEqual([
      `ingest dynamodb:Query ${SPEND_INDEX}`,
      `validate dynamodb:Query ${INFLIGHT_INDEX}`,
      `validate dynamodb:Query ${SPEND_INDEX}`,
      `poll dynamodb:Query ${TABLE_ARN}`,
      `poll dynamodb:Query ${INFLIGHT_INDEX}`,
      `poll dynamodb:Query ${SPEND_INDEX}`,
    ]);
    // The table itself only for the fleet states' partition (scale-in), by the key condition IAM checks.
    const fleetQuery = roleStatements(template, 'PollRole').find(
      (statement) => statement.Sid === 'ScaleInFleetStates',
    );
    expect(fleetQuery?.Condition).toEqual({
      'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['FLEET'] },
    });
  });

  it('lets only the functions that call Tencent read the Tencent key', () => {
    expect(granteesOf(`ssm:GetParameters ${parameter('tencent/secret-key')}`)).toEqual([
      'validate',
      'create',
      'poll',
    ]);
    expect(granteesOf(`ssm:GetParameters ${parameter('webhook/signing-secret')}`)).toEqual(['notify']);
  });

  it('scopes the customer-managed key to decryption through SSM', () => {
    const decrypts = roleStatements(template, 'NotifyRole').filter(
      (statement) => statement.Action === 'kms:Decrypt',
    );
    expect(decrypts).toEqual([
      expect.objectContaining({
        Resource: { Ref: 'SecretsKmsKeyArn' },
        Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Sub': SSM_IN_THIS_REGION } } },
      }),
    ]);
    expect(template.Parameters?.SecretsKmsKeyArn).toMatchObject({ Type: 'String', Default: KMS_KEY });
    expect(template.Conditions?.SecretsUseCustomerKey).toEqual({
      'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'SecretsKmsKeyArn' }, ''] }],
    });
  });
});

describe('the create function', () => {
  it("keeps the five create containers under Tencent's 100 creates a second together", () => {
    const create = functionOf('create');
    const perContainer = Number(
      (create.Environment as { Variables: Record<string, unknown> }).Variables.TENCENT_CREATE_RATE_PER_SECOND,
    );
    expect(create.ReservedConcurrentExecutions).toBe(5);
    expect(perContainer * 5).toBeLessThanOrEqual(90);
  });
});

describe('the validate function', () => {
  it("keeps validate's containers under Tencent's 20 price inquiries a second together", () => {
    const validate = functionOf('validate');
    const perContainer = Number(
      (validate.Environment as { Variables: Record<string, unknown> }).Variables
        .TENCENT_PRICE_RATE_PER_SECOND,
    );
    const mapping = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').find(([, resource]) =>
      JSON.stringify(resource.Properties).includes('RequestsQueue'),
    );
    const containers = (mapping?.[1].Properties as { ScalingConfig?: { MaximumConcurrency?: number } })
      ?.ScalingConfig?.MaximumConcurrency;

    expect(containers).toBe(4);
    expect(perContainer).toBeGreaterThan(0);
    expect(perContainer * (containers ?? Number.POSITIVE_INFINITY)).toBeLessThanOrEqual(18);
  });
});

describe('secrets', () => {
  it('gives each function the SSM parameter names of its secrets, never a secret variable', () => {
    for (const name of FUNCTIONS) {
      const variables = (functionOf(name).Environment as { Variables: Record<string, unknown> }).Variables;
      for (const secret of SECRET_VARIABLES)
        expect(variables, `${name} ${secret}`).not.toHaveProperty(secret);
      const parameters = Object.entries(variables).filter(([key]) => key.endsWith('_PARAMETER'));
      expect(parameters.length, name).toBeGreaterThan(0);
      for (const [, value] of parameters) expect(value).toMatch(new RegExp(`^/replica-flow/${STAGE}/`));
    }
    expect(
      (functionOf('create').Environment as { Variables: Record<string, unknown> }).Variables[
        parameterVariableOf('TENCENTCLOUD_SECRET_KEY')
      ],
    ).toBe(`/replica-flow/${STAGE}/tencent/secret-key`);
  });

  it("names each secret parameter in the functions that use it (the Jira API token: ingest reads approvers' groups, notify comments)", () => {
    const parameterVariables = (name: FunctionName) =>
      Object.keys((functionOf(name).Environment as { Variables: Record<string, unknown> }).Variables)
        .filter((key) => key.endsWith('_PARAMETER'))
        .sort();
    expect(Object.fromEntries(FUNCTIONS.map((name) => [name, parameterVariables(name)]))).toEqual({
      ingest: [
        'ALERTMANAGER_TOKEN_PARAMETER',
        'CLOUDWATCH_API_KEY_PARAMETER',
        'GRAFANA_HMAC_SECRET_PARAMETER',
        'GRAFANA_TOKEN_PARAMETER',
        'JIRA_API_TOKEN_PARAMETER',
        'JIRA_WEBHOOK_SECRET_PARAMETER',
        'REPLICA_FLOW_API_KEYS_PARAMETER',
        'SLACK_SIGNING_SECRET_PARAMETER',
        'TENCENTCLOUD_READER_SECRET_ID_PARAMETER',
        'TENCENTCLOUD_READER_SECRET_KEY_PARAMETER',
        'TENCENT_MONITOR_BASIC_PASSWORD_PARAMETER',
        'TENCENT_MONITOR_PATH_TOKEN_PARAMETER',
      ],
      validate: ['TENCENTCLOUD_SECRET_ID_PARAMETER', 'TENCENTCLOUD_SECRET_KEY_PARAMETER'],
      create: ['TENCENTCLOUD_SECRET_ID_PARAMETER', 'TENCENTCLOUD_SECRET_KEY_PARAMETER'],
      poll: ['TENCENTCLOUD_SECRET_ID_PARAMETER', 'TENCENTCLOUD_SECRET_KEY_PARAMETER'],
      notify: [
        'JIRA_API_TOKEN_PARAMETER',
        'SLACK_BOT_TOKEN_PARAMETER',
        'SLACK_WEBHOOK_URL_PARAMETER',
        'WEBHOOK_SIGNING_SECRET_PARAMETER',
      ],
    });
  });

  it('ships none of the secret values that were in the packaging environment', () => {
    const shipped = [
      'cloudformation-template-update-stack.json',
      'cloudformation-template-create-stack.json',
      'serverless-state.json',
    ].map((file) => readFileSync(path.join(PACKAGE_DIR, file), 'utf8'));
    const bundles = FUNCTIONS.flatMap((name) =>
      bundleScriptsOf(name).map((file) => readFileSync(file, 'utf8')),
    );
    for (const text of [...shipped, ...bundles]) {
      for (const value of Object.values(PLANTED)) expect(text.includes(value)).toBe(false);
    }
  });
});

describe('bundles', () => {
  it.each(FUNCTIONS)(
    'zips the %s bundle (entry and chunks) and the stage policy file, without source maps, and nothing else',
    (name) => {
      const scripts = bundleScriptsOf(name).map((file) => path.relative(ROOT, file));
      expect(scripts).toContain(`.build/${name}/index.mjs`);
      expect(zipEntryNames(path.join(PACKAGE_DIR, `${name}.zip`)).sort()).toEqual(
        [...scripts, POLICY_FILE].sort(),
      );
      const variables = (functionOf(name).Environment as { Variables: Record<string, unknown> }).Variables;
      expect(variables.POLICY_FILE).toBe(POLICY_FILE);
      // No source maps to enable: stack traces are mapped offline (docs/deploy.md).
      expect(variables.NODE_OPTIONS).toBeUndefined();
    },
  );

  it.each(FUNCTIONS)(
    'keeps class names in the minified %s bundle, so errors still name themselves',
    (name) => {
      const bundle = bundleScriptsOf(name)
        .map((file) => readFileSync(file, 'utf8'))
        .join('\n');
      for (const errorClass of ['ConfigError', 'ValidationError', 'ConcurrentUpdateError']) {
        expect(bundle).toContain(`"${errorClass}"`);
      }
    },
  );

  it('keeps the Tencent SDK in the create bundle to its common code and the PostgreSQL client', () => {
    const meta = JSON.parse(readFileSync(path.join(BUILD_DIR, 'create', 'meta.json'), 'utf8')) as {
      inputs: string[];
    };
    const services = meta.inputs
      .map((input) => /tencentcloud-sdk-nodejs\/tencentcloud\/services\/([^/]+)\//.exec(input)?.[1])
      .filter((service) => service !== undefined);
    expect([...new Set(services)]).toEqual(['postgres']);

    const bundle = bundleScriptsOf('create')
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    const endpoints = new Set(bundle.match(/[a-z0-9-]+\.tencentcloudapi\.com/g));
    expect([...endpoints]).toEqual(['postgres.tencentcloudapi.com']);
  });
});

describe('alarms for stuck work', () => {
  it('alarms when the oldest message of a work queue is older than its threshold in deploy/shape.yml', () => {
    const { queues } = deploymentShape();
    for (const [queue, id] of [
      ['requests', 'RequestsQueue'],
      ['create', 'CreateQueue'],
      ['notify', 'NotifyQueue'],
    ] as const) {
      expect(alarmNamed(`${queue}-oldest-message`), queue).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateAgeOfOldestMessage',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id, 'QueueName'] } }],
        Statistic: 'Maximum',
        Threshold: queues[queue].oldestMessageAlarmSeconds,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    }
  });

  it('alarms on any throttled create invocation', () => {
    expect(alarmNamed('create-throttles')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Throttles',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'CreateLambdaFunction' } }],
      Statistic: 'Sum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('alarms when poll has not been invoked for 5 minutes, no data counting as no heartbeat', () => {
    expect(alarmNamed('poll-heartbeat')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Invocations',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'PollLambdaFunction' } }],
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 5,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  it('alarms when over 5 % of the HTTP API answers in 5 minutes are 5xx', () => {
    const alarm = alarmNamed('ingest-5xx-rate');
    const metrics = alarm.Metrics as {
      Id: string;
      Expression?: string;
      ReturnData: boolean;
      MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions: unknown }; Stat: string };
    }[];
    const byId = Object.fromEntries(metrics.map((metric) => [metric.Id, metric]));
    const dimensions = [
      { Name: 'ApiId', Value: { Ref: 'HttpApi' } },
      { Name: 'Stage', Value: '$default' },
    ];
    expect(byId.errors?.MetricStat).toMatchObject({
      Metric: { Namespace: 'AWS/ApiGateway', MetricName: '5xx', Dimensions: dimensions },
      Stat: 'Sum',
    });
    expect(byId.requests?.MetricStat).toMatchObject({
      Metric: { Namespace: 'AWS/ApiGateway', MetricName: 'Count', Dimensions: dimensions },
      Stat: 'Sum',
    });
    expect(metrics.filter((metric) => metric.ReturnData).map((metric) => metric.Expression)).toEqual([
      'IF(requests > 0, 100 * errors / requests, 0)',
    ]);
    expect(alarm).toMatchObject({ Threshold: 5, ComparisonOperator: 'GreaterThanThreshold' });
    expect(template.Resources.HttpApi?.Type).toBe('AWS::ApiGatewayV2::Api');
  });

  it.each([
    ['requests-past-deadline', 'RequestsPastDeadline', 'Maximum'],
    ['webhooks-undelivered', 'WebhooksUndelivered', 'Sum'],
  ])('alarms as soon as the custom metric behind %s (%s) is above 0', (name, metricName, statistic) => {
    expect(alarmNamed(name)).toMatchObject({
      Namespace: 'ReplicaFlow',
      MetricName: metricName,
      Dimensions: [{ Name: 'service', Value: 'replica-flow' }],
      Statistic: statistic,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('sends every alarm to the alarm topic, which the e-mail of the deploy parameter subscribes to', () => {
    const topic = { 'Fn::If': ['CreateAlarmTopic', { Ref: 'AlarmTopic' }, { Ref: 'AlarmTopicArn' }] };
    for (const alarm of alarmsOf()) expect(alarm.AlarmActions, alarm.AlarmName as string).toEqual([topic]);
    expect(template.Parameters?.AlarmEmail).toMatchObject({ Type: 'String', Default: ALARM_EMAIL });
    expect(template.Parameters?.AlarmTopicArn).toMatchObject({ Type: 'String', Default: '' });
    expect(template.Resources.AlarmEmailSubscription).toMatchObject({
      Condition: 'SubscribeAlarmEmail',
      Properties: { TopicArn: topic, Protocol: 'email', Endpoint: { Ref: 'AlarmEmail' } },
    });
    expect(template.Conditions?.SubscribeAlarmEmail).toEqual({
      'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'AlarmEmail' }, ''] }],
    });
  });

  it('gives every alarm a runbook line in docs/deploy.md', () => {
    const guide = readFileSync(path.join(ROOT, 'docs', 'deploy.md'), 'utf8');
    const runbook = guide.slice(guide.indexOf('### Alarms'));
    for (const alarm of alarmsOf()) {
      const name = (alarm.AlarmName as string).replace(`replica-flow-${STAGE}-`, '');
      expect(alarm.AlarmDescription).toContain(`Runbook: docs/deploy.md, Alarms, ${name}`);
      expect(runbook, name).toMatch(new RegExp(`^\\| \`${name}\` +\\|`, 'm'));
    }
  });
});

describe('seeing inside', () => {
  it.each(FUNCTIONS)(
    'traces %s with X-Ray and names the Powertools service and metrics namespace',
    (name) => {
      const fn = functionOf(name);
      expect(fn.TracingConfig).toEqual({ Mode: 'Active' });
      expect((fn.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
        POWERTOOLS_SERVICE_NAME: 'replica-flow',
        POWERTOOLS_METRICS_NAMESPACE: 'ReplicaFlow',
      });
    },
  );

  it('shows every business metric the functions emit on the stage dashboard', () => {
    const dashboard = propertiesOf(template, 'Dashboard');
    expect(dashboard.DashboardName).toBe(`replica-flow-${STAGE}`);
    const body = JSON.parse((dashboard.DashboardBody as { 'Fn::Sub': string })['Fn::Sub']) as {
      widgets: { properties: { metrics: unknown[][] } }[];
    };
    const shown = JSON.stringify(body.widgets.map((widget) => widget.properties.metrics));
    for (const metric of [
      'RequestsReceived',
      'RequestOutcome',
      'TimeToReady',
      'TencentCalls',
      'TencentThrottles',
      'WebhookAttempts',
      'WebhooksUndelivered',
      'RequestsPastDeadline',
      'PollCycles',
    ]) {
      expect(shown, metric).toContain(metric);
    }
    expect(shown).toContain('ReplicaFlow');
  });

  it('logs every HTTP API request as one JSON line, without headers or bodies, kept for the stage retention', () => {
    const stage = propertiesOf(template, 'HttpApiStage');
    const settings = stage.AccessLogSettings as { DestinationArn: unknown; Format: string };
    expect(referenceOf(settings.DestinationArn)).toBe('HttpApiLogGroup.Arn');
    const line = JSON.parse(settings.Format.replaceAll(/\$context\.[\w.]+/g, 'x')) as Record<string, string>;
    expect(Object.keys(line)).toEqual(
      expect.arrayContaining(['requestId', 'routeKey', 'status', 'latencyMs']),
    );
    expect(settings.Format).not.toMatch(/header|requestBody|querystring|authorizer/i);
    expect(propertiesOf(template, 'HttpApiLogGroup').RetentionInDays).toBe(90);
  });

  it('protects the prod stack from termination after each deploy', () => {
    const state = JSON.parse(readFileSync(path.join(PACKAGE_DIR, 'serverless-state.json'), 'utf8')) as {
      service: { custom: Record<string, unknown>; plugins: string[] };
    };
    expect(state.service.custom.terminationProtection).toBe(true);
    expect(state.service.plugins).toContain('./deploy/stage-plugin.cjs');
  });
});

describe('the local stack, the twin of the deployment', () => {
  const QUEUES = [
    ['requests', 'RequestsQueue'],
    ['create', 'CreateQueue'],
    ['notify', 'NotifyQueue'],
  ] as const;
  let sqsServer: RunningSqsServer;
  let client: SQSClient;
  beforeAll(async () => {
    sqsServer = await startSqsServer();
    client = new SQSClient({
      endpoint: sqsServer.url,
      region: 'ap-southeast-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });
  afterAll(async () => {
    client?.destroy();
    await sqsServer?.close();
  });

  const attributesOf = async (url: string) => {
    const { Attributes = {} } = await client.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['VisibilityTimeout', 'RedrivePolicy'],
      }),
    );
    return {
      visibilityTimeout: Number(Attributes.VisibilityTimeout),
      maxReceiveCount: Number(JSON.parse(Attributes.RedrivePolicy ?? '{}').maxReceiveCount),
    };
  };

  it('makes its queues with the visibility timeouts and maximum receives of the deployed queues', async () => {
    const queues = await ensureLocalQueues(client, 'twin');
    for (const [name, id] of QUEUES) {
      const deployed = propertiesOf(template, id);
      expect(await attributesOf(queues[name].url), name).toEqual({
        visibilityTimeout: deployed.VisibilityTimeout,
        maxReceiveCount: (deployed.RedrivePolicy as { maxReceiveCount: number }).maxReceiveCount,
      });
    }
  });

  it('brings queues a data folder kept from other settings to the deployed ones on restart', async () => {
    await client.send(
      new CreateQueueCommand({ QueueName: 'restart-requests', Attributes: { VisibilityTimeout: '30' } }),
    );
    const queues = await ensureLocalQueues(client, 'restart');
    expect((await attributesOf(queues.requests.url)).visibilityTimeout).toBe(
      propertiesOf(template, 'RequestsQueue').VisibilityTimeout,
    );
  });

  it('feeds each function from its queue in the batches and at the concurrency of the deployed mappings', () => {
    for (const [name, id] of QUEUES) {
      const mapping = mappings().find(({ queue }) => queue === id);
      expect(deployedConsumerShape(name), name).toEqual({
        batchSize: mapping?.properties.BatchSize,
        maxConcurrency: (mapping?.properties.ScalingConfig as { MaximumConcurrency?: number } | undefined)
          ?.MaximumConcurrency,
      });
    }
  });

  it.each(FUNCTIONS)('gives %s the timeout it has in Lambda', (name) => {
    expect(deployedTimeoutMs(name)).toBe((functionOf(name).Timeout as number) * 1000);
  });

  it('keeps the notify receive count the notify function spreads its retries over', () => {
    const redrive = propertiesOf(template, 'NotifyQueue').RedrivePolicy as { maxReceiveCount: number };
    expect(redrive.maxReceiveCount).toBe(DEFAULT_NOTIFY_MAX_RECEIVE_COUNT);
    expect(LOCAL_SETTINGS.notifyMaxReceiveCount).toBe(redrive.maxReceiveCount);
  });
});
