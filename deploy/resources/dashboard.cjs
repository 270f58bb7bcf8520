'use strict';
// The body of the stage's CloudWatch dashboard (deploy/resources/observability.cjs), an `Fn::Sub` string:
// the business metrics the functions emit (Powertools Metrics: namespace, `service` dimension) first, then
// the queues and the functions. (CommonJS: osls loads resolvers with require.)

const FUNCTION_IDS = ['Ingest', 'Validate', 'Create', 'Poll', 'Notify'];
const QUEUE_IDS = ['Requests', 'Create', 'Notify'];

/** The dashboard: business metrics first, then the queues and the functions. */
const dashboardBody = ({ namespace, service }) => {
  const search = (dimensions, metricName, stat) =>
    `SEARCH('{${namespace},${dimensions}} MetricName="${metricName}" service="${service}"', '${stat}', 300)`;
  const customMetric = (metricName, stat, extra = {}) => [
    namespace,
    metricName,
    'service',
    service,
    { stat, ...extra },
  ];
  const widget = (title, properties, x, y, width = 12) => ({
    type: 'metric',
    x,
    y,
    width,
    height: 6,
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax
    properties: { title, region: '${AWS::Region}', view: 'timeSeries', period: 300, ...properties },
  });
  const expression = (text, label) => [
    { expression: text, label, id: label.replace(/\W/g, '').toLowerCase() },
  ];
  const fn = (id) => `\${${id}LambdaFunction}`;
  const queue = (id) => `\${${id}.QueueName}`;
  const widgets = [
    widget(
      'Requests received, by source',
      { metrics: [expression(search('service,source', 'RequestsReceived', 'Sum'), 'received')], stat: 'Sum' },
      0,
      0,
    ),
    widget(
      'Request outcomes, by source and outcome',
      {
        metrics: [expression(search('outcome,service,source', 'RequestOutcome', 'Sum'), 'outcomes')],
        stat: 'Sum',
      },
      12,
      0,
    ),
    widget(
      'Time to READY (ms)',
      {
        metrics: [
          customMetric('TimeToReady', 'p50'),
          customMetric('TimeToReady', 'p90'),
          customMetric('TimeToReady', 'Maximum'),
        ],
      },
      0,
      6,
    ),
    widget(
      'Tencent calls and throttles, by action',
      {
        metrics: [
          expression(search('action,service', 'TencentCalls', 'Sum'), 'calls'),
          expression(search('action,service', 'TencentThrottles', 'Sum'), 'throttles'),
        ],
      },
      12,
      6,
    ),
    widget(
      'Webhooks',
      {
        metrics: [customMetric('WebhookAttempts', 'Sum'), customMetric('WebhooksUndelivered', 'Sum')],
      },
      0,
      12,
    ),
    widget(
      'Stuck work: past the deadline, poll cycles',
      {
        metrics: [customMetric('RequestsPastDeadline', 'Maximum'), customMetric('PollCycles', 'Sum')],
      },
      12,
      12,
    ),
    widget(
      'Age of the oldest message (s)',
      {
        metrics: QUEUE_IDS.map((id) => [
          'AWS/SQS',
          'ApproximateAgeOfOldestMessage',
          'QueueName',
          queue(`${id}Queue`),
          { stat: 'Maximum' },
        ]),
      },
      0,
      18,
    ),
    widget(
      'Dead letters',
      {
        metrics: [...QUEUE_IDS, 'CloudWatchAlarmRule'].map((id) => [
          'AWS/SQS',
          'ApproximateNumberOfMessagesVisible',
          'QueueName',
          queue(`${id}DeadLetterQueue`),
          { stat: 'Maximum' },
        ]),
      },
      12,
      18,
    ),
    widget(
      'Function errors and throttles',
      {
        metrics: [
          ...FUNCTION_IDS.map((id) => ['AWS/Lambda', 'Errors', 'FunctionName', fn(id), { stat: 'Sum' }]),
          ['AWS/Lambda', 'Throttles', 'FunctionName', fn('Create'), { stat: 'Sum' }],
        ],
      },
      0,
      24,
    ),
    widget(
      'Function duration p90 (ms)',
      {
        metrics: FUNCTION_IDS.map((id) => [
          'AWS/Lambda',
          'Duration',
          'FunctionName',
          fn(id),
          { stat: 'p90' },
        ]),
      },
      12,
      24,
    ),
  ];
  return JSON.stringify({ widgets });
};

module.exports = { dashboardBody };
