import middy from '@middy/core';
import { describe, expect, it } from 'vitest';
import { noTracing, type Tracing, tracingWanted } from '#shared/ports/tracing.ts';
import { observability } from '#shared/runtime/observability.ts';
import { lambdaContext } from '#test/fixtures/lambda-context.ts';
import { recordingMetrics } from '#test/support/recording-metrics.ts';

describe('tracingWanted', () => {
  const lambda = { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' };
  it.each([
    ['in Lambda', lambda, true],
    [
      'in Lambda with POWERTOOLS_TRACE_ENABLED=false',
      { ...lambda, POWERTOOLS_TRACE_ENABLED: 'false' },
      false,
    ],
    [
      'in Lambda with POWERTOOLS_TRACE_ENABLED=FALSE',
      { ...lambda, POWERTOOLS_TRACE_ENABLED: 'FALSE' },
      false,
    ],
    ['under sam local', { ...lambda, AWS_SAM_LOCAL: 'true' }, false],
    ['under Amplify mock', { AWS_EXECUTION_ENV: 'AWS_Lambda_amplify-mock' }, false],
    // `serverless invoke local` sets LAMBDA_TASK_ROOT but no AWS_EXECUTION_ENV; so do the local stack and tests.
    ['outside Lambda', { LAMBDA_TASK_ROOT: '/var/task' }, false],
  ])('is %s: %s', (_case, env, wanted) => {
    expect(tracingWanted(env)).toBe(wanted);
  });
});

describe('observability middleware', () => {
  const tracingThatRecords = () => {
    const events: string[] = [];
    const tracing: Tracing = {
      ...noTracing,
      handlerMiddleware: () => ({
        before: () => {
          events.push('segment opened');
        },
        after: () => {
          events.push('segment closed');
        },
        onError: () => {
          events.push('segment closed with error');
        },
      }),
    };
    return { tracing, events };
  };

  it('writes the metrics once after the handler, inside the invocation segment', async () => {
    const { tracing, events } = tracingThatRecords();
    const { metrics, flushes } = recordingMetrics();
    const handler = middy()
      .use(observability({ metrics, tracing }))
      .handler(async () => {
        events.push('handler');
        metrics.add('PollCycles', {});
      });

    await handler({}, lambdaContext());

    expect(events).toEqual(['segment opened', 'handler', 'segment closed']);
    expect(flushes).toEqual([[{ name: 'PollCycles', dimensions: {}, value: 1 }]]);
  });

  it('writes the metrics recorded before a handler failed, and the failure still reaches the caller', async () => {
    const { tracing, events } = tracingThatRecords();
    const { metrics, flushes } = recordingMetrics();
    const handler = middy()
      .use(observability({ metrics, tracing }))
      .handler(async () => {
        metrics.add('TencentCalls', { action: 'DescribeOrders' });
        throw new Error('boom');
      });

    await expect(handler({}, lambdaContext())).rejects.toThrow('boom');

    expect(flushes).toHaveLength(1);
    expect(flushes[0]).toHaveLength(1);
    expect(events).toEqual(['segment opened', 'segment closed with error']);
  });

  it('adds no tracing middleware for a function without a tracer', () => {
    expect(observability({})).toHaveLength(1);
  });
});
