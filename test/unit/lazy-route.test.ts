import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { lazyRoute } from '#shared/ingress/lazy-route.ts';

const event = (path: string) => ({ rawPath: path }) as APIGatewayProxyEventV2;

describe('lazyRoute', () => {
  it('loads its handler at the first request, once even for concurrent first requests, and keeps it', async () => {
    let loads = 0;
    const route = lazyRoute(async () => {
      loads += 1;
      return async (request) => ({ statusCode: 200, body: request.rawPath });
    });
    expect(loads).toBe(0);

    const answers = await Promise.all([route(event('/a')), route(event('/b'))]);
    await route(event('/c'));

    expect(answers.map((answer) => answer.body)).toEqual(['/a', '/b']);
    expect(loads).toBe(1);
  });

  it('passes a failure of the loaded handler to the caller', async () => {
    const route = lazyRoute(async () => async () => {
      throw new Error('source down');
    });
    await expect(route(event('/a'))).rejects.toThrow('source down');
  });
});
