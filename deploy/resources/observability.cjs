'use strict';
// What shows a person that work is stuck: the alarm topic and where it goes, every alarm (generated from
// alarmsOf below; each has its runbook line in docs/deploy.md, "Alarms"), and the CloudWatch dashboard of
// the business metrics (deploy/resources/dashboard.cjs). (CommonJS: osls loads resolvers with require.)
const { deploymentShape } = require('../shape.cjs');
const { deployError } = require('../stages.cjs');
const { dashboardBody } = require('./dashboard.cjs');

const FUNCTION_IDS = {
  ingest: 'Ingest',
  validate: 'Validate',
  create: 'Create',
  poll: 'Poll',
  notify: 'Notify',
};
const QUEUE_IDS = { requests: 'Requests', create: 'Create', notify: 'Notify' };
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;

/** Where the alarms go; refuses a stage with `alarmsRequired` and nowhere to send them. */
const alarmDestination = ({ stage, topicArn, email, required }) => {
  if (topicArn && !SNS_TOPIC_ARN.test(topicArn)) {
    throw deployError(
      `alarmTopicArn "${topicArn}" is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)`,
    );
  }
  if (email && !EMAIL.test(email)) throw deployError(`alarmEmail "${email}" is not an e-mail address`);
  if (required && !topicArn && !email) {
    throw deployError(
      `Stage "${stage}" needs somewhere to send its alarms: pass --param="alarmEmail=<address>" (the stack's ` +
        'topic gets that subscription) or --param="alarmTopicArn=<existing SNS topic ARN>", or set one of ' +
        `them in deploy/params.yml under ${stage}.`,
    );
  }
  return { topicArn, email };
};

const ref = (id) => ({ Ref: id });
const getAtt = (id, attribute) => ({ 'Fn::GetAtt': [id, attribute] });
const ALARM_ACTIONS = [{ 'Fn::If': ['CreateAlarmTopic', ref('AlarmTopic'), ref('AlarmTopicArn')] }];

/**
 * Every alarm: `id` (logical id prefix), `name` (after `replica-flow-<stage>-`), `description` (what it
 * means; the runbook is the line of the same name in docs/deploy.md) and its metric.
 */
/** Minutes between poll cycles, from `rate(N minute[s])` / `rate(N hour[s])`; 1 for anything else (cron). */
const pollIntervalMinutes = (schedule) => {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours)\)$/.exec(String(schedule).trim());
  if (!rate) return 1;
  return Number(rate[1]) * (rate[2].startsWith('hour') ? 60 : 1);
};

const alarmsOf = ({ namespace, service, shape, pollSchedule }) => {
  const custom = (metricName) => ({
    Namespace: namespace,
    MetricName: metricName,
    Dimensions: [{ Name: 'service', Value: service }],
  });
  const lambda = (fn, metricName) => ({
    Namespace: 'AWS/Lambda',
    MetricName: metricName,
    Dimensions: [{ Name: 'FunctionName', Value: ref(`${FUNCTION_IDS[fn]}LambdaFunction`) }],
  });
  const queueMetric = (queueId, metricName) => ({
    Namespace: 'AWS/SQS',
    MetricName: metricName,
    Dimensions: [{ Name: 'QueueName', Value: getAtt(queueId, 'QueueName') }],
  });
  /** Alarms when the 5-minute statistic goes over the threshold; no data is no alarm. */
  const over5Minutes = (Statistic, Threshold = 0) => ({
    Statistic,
    Period: 300,
    EvaluationPeriods: 1,
    Threshold,
    ComparisonOperator: 'GreaterThanThreshold',
    TreatMissingData: 'notBreaching',
  });
  const deadLetters = [
    ['Requests', 'requests-dead-letters', 'Requests the validate function gave up on'],
    ['Create', 'create-dead-letters', 'Creates that never completed'],
    ['Notify', 'notify-dead-letters', 'Notifications that could not be processed'],
    [
      'CloudWatchAlarmRule',
      'cloudwatch-alarms-dead-letters',
      'CloudWatch alarms EventBridge could not queue',
    ],
  ].map(([id, name, description]) => ({
    id: `${id}DeadLetter`,
    name,
    description,
    ...queueMetric(`${id}DeadLetterQueue`, 'ApproximateNumberOfMessagesVisible'),
    ...over5Minutes('Maximum'),
    ok: true,
  }));
  const errors = Object.keys(FUNCTION_IDS).map((fn) => ({
    id: `${FUNCTION_IDS[fn]}Errors`,
    name: `${fn}-errors`,
    description: `The ${fn} function failed (an unhandled error, a timeout, a bad cold start)`,
    ...lambda(fn, 'Errors'),
    ...over5Minutes('Sum'),
  }));
  const oldest = Object.entries(shape.queues).map(([queue, { oldestMessageAlarmSeconds }]) => ({
    id: `${QUEUE_IDS[queue]}OldestMessage`,
    name: `${queue}-oldest-message`,
    description: `A message has waited over ${oldestMessageAlarmSeconds} s in the ${queue} queue`,
    ...queueMetric(`${QUEUE_IDS[queue]}Queue`, 'ApproximateAgeOfOldestMessage'),
    ...over5Minutes('Maximum', oldestMessageAlarmSeconds),
    ok: true,
  }));
  // Poll's heartbeat: no invocation in 5 minutes, or in 3 of its intervals where it runs less often.
  const pollInterval = pollIntervalMinutes(pollSchedule);
  const pollPeriods = Math.max(3, Math.ceil(5 / pollInterval));
  const pollMinutes = pollPeriods * pollInterval;
  return [
    ...deadLetters,
    ...errors,
    ...oldest,
    {
      id: 'CreateThrottles',
      name: 'create-throttles',
      description: 'Lambda throttled create invocations (concurrency below its reserved concurrency?)',
      ...lambda('create', 'Throttles'),
      ...over5Minutes('Sum'),
      ok: true,
    },
    {
      id: 'PollHeartbeat',
      name: 'poll-heartbeat',
      description: `The poll function has not been invoked for ${pollMinutes} minutes: nothing advances in-flight requests`,
      ...lambda('poll', 'Invocations'),
      Statistic: 'Sum',
      Period: 60 * pollInterval,
      EvaluationPeriods: pollPeriods,
      DatapointsToAlarm: pollPeriods,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      // No data at all is the failure this alarm exists for.
      TreatMissingData: 'breaching',
      ok: true,
    },
    {
      id: 'Ingest5xxRate',
      name: 'ingest-5xx-rate',
      description: 'Over 5 % of HTTP API requests answered 5xx in 5 minutes',
      Metrics: [
        ...[
          ['errors', '5xx'],
          ['requests', 'Count'],
        ].map(([id, metricName]) => ({
          Id: id,
          ReturnData: false,
          MetricStat: {
            Metric: {
              Namespace: 'AWS/ApiGateway',
              MetricName: metricName,
              Dimensions: [
                { Name: 'ApiId', Value: ref('HttpApi') },
                { Name: 'Stage', Value: '$default' },
              ],
            },
            Period: 300,
            Stat: 'Sum',
          },
        })),
        {
          Id: 'rate',
          Label: '5xx %',
          Expression: 'IF(requests > 0, 100 * errors / requests, 0)',
          ReturnData: true,
        },
      ],
      EvaluationPeriods: 1,
      Threshold: 5,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      ok: true,
    },
    {
      id: 'RequestsPastDeadline',
      name: 'requests-past-deadline',
      description:
        'Requests still in flight past the provisioning deadline (RequestsPastDeadline, from poll)',
      ...custom('RequestsPastDeadline'),
      ...over5Minutes('Maximum'),
      ok: true,
    },
    {
      id: 'WebhooksUndelivered',
      name: 'webhooks-undelivered',
      description:
        'Completion webhooks given up on after their retry window (WebhooksUndelivered, from notify)',
      ...custom('WebhooksUndelivered'),
      ...over5Minutes('Sum'),
    },
  ];
};

const alarmResources = (stage, alarms) =>
  Object.fromEntries(
    alarms.map(({ id, name, description, ok, ...metric }) => [
      `${id}Alarm`,
      {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmName: `replica-flow-${stage}-${name}`,
          AlarmDescription: `${description}. Runbook: docs/deploy.md, Alarms, ${name}`,
          ...metric,
          AlarmActions: ALARM_ACTIONS,
          ...(ok ? { OKActions: ALARM_ACTIONS } : {}),
        },
      },
    ]),
  );

module.exports = async ({ resolveVariable }) => {
  const [stage, topicArn, email, required, namespace, service, pollSchedule] = await Promise.all(
    [
      'sls:stage',
      'param:alarmTopicArn',
      'param:alarmEmail',
      'param:alarmsRequired',
      'param:metricsNamespace',
      'param:serviceName',
      'param:pollSchedule',
    ].map((variable) => resolveVariable(variable)),
  );
  const destination = alarmDestination({
    stage,
    topicArn: String(topicArn ?? ''),
    email: String(email ?? ''),
    required: required === true || required === 'true',
  });
  const alarms = alarmsOf({ namespace, service, shape: deploymentShape(), pollSchedule });
  return {
    // As stack parameters, so that CloudFormation (not a placeholder in the template) decides which
    // branch of each condition exists.
    Parameters: {
      AlarmTopicArn: {
        Type: 'String',
        Default: destination.topicArn,
        Description: 'SNS topic for the alarms; empty = the stack creates one',
      },
      AlarmEmail: {
        Type: 'String',
        Default: destination.email,
        Description: 'E-mail address subscribed to the alarm topic; empty = none',
      },
    },
    Conditions: {
      CreateAlarmTopic: { 'Fn::Equals': [ref('AlarmTopicArn'), ''] },
      SubscribeAlarmEmail: { 'Fn::Not': [{ 'Fn::Equals': [ref('AlarmEmail'), ''] }] },
    },
    Resources: {
      AlarmTopic: {
        Type: 'AWS::SNS::Topic',
        Condition: 'CreateAlarmTopic',
        Properties: { TopicName: `replica-flow-${stage}-alarms` },
      },
      AlarmEmailSubscription: {
        Type: 'AWS::SNS::Subscription',
        Condition: 'SubscribeAlarmEmail',
        Properties: { TopicArn: ALARM_ACTIONS[0], Protocol: 'email', Endpoint: ref('AlarmEmail') },
      },
      ...alarmResources(stage, alarms),
      Dashboard: {
        Type: 'AWS::CloudWatch::Dashboard',
        Properties: {
          DashboardName: `replica-flow-${stage}`,
          DashboardBody: { 'Fn::Sub': dashboardBody({ namespace, service }) },
        },
      },
    },
    Outputs: {
      AlarmTopicArn: { Value: ALARM_ACTIONS[0] },
      DashboardUrl: {
        Value: {
          'Fn::Sub': `https://\${AWS::Region}.console.aws.amazon.com/cloudwatch/home?region=\${AWS::Region}#dashboards:name=replica-flow-${stage}`,
        },
      },
    },
  };
};
module.exports.alarmDestination = alarmDestination;
module.exports.alarmsOf = alarmsOf;
